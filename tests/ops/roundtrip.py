"""Run inside `dangbo shell` against a throwaway database with data (test_migrations.py).

1. Every dangbo app that no other app's migrations depend on steps back one migration and
   forward again; every row of every table must still be there (except in tables that the
   stepped-back migration itself creates).
2. Every dangbo app goes back to zero (no dangbo table left) and forward again.
Prints a JSON report on the last line."""

import json

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import CreateModel

from dangbo.core.backup import models_to_check


def counts():
    return {
        m._meta.db_table: m._base_manager.count()
        for m in models_to_check()
        if m._meta.db_table != "django_migrations"
    }


loader = MigrationLoader(connection)
ours = {
    key: migration
    for key, migration in loader.disk_migrations.items()
    if migration.__module__.startswith("dangbo.")
}
apps = sorted({app for app, _name in ours})
depended_on = {
    dep[0]
    for (app, _name), migration in ours.items()
    for dep in migration.dependencies
    if dep[0] != app
}
leaves = {app: name for app, name in loader.graph.leaf_nodes() if (app, name) in ours}

steps, lost = [], {}
for app in apps:
    if app in depended_on:
        continue
    node = loader.graph.node_map[(app, leaves[app])]
    parents = [p.key[1] for p in node.parents if p.key[0] == app]
    if not parents:
        continue
    migration = ours[(app, leaves[app])]
    created = {
        f"{app}_{op.name.lower()}" for op in migration.operations if isinstance(op, CreateModel)
    }
    before = counts()
    call_command("migrate", app, parents[0], verbosity=0)
    call_command("migrate", app, verbosity=0)
    after = counts()
    steps.append(f"{app}: {leaves[app]} → {parents[0]} → {leaves[app]}")
    for table, n in before.items():
        if table not in created and after.get(table) != n:
            lost[f"{app}:{table}"] = [n, after.get(table)]

zero_order = [app for app in reversed(apps)]
for app in zero_order:
    call_command("migrate", app, "zero", verbosity=0)
remaining = [t for t in connection.introspection.table_names() if t.split("_")[0] in apps]
call_command("migrate", verbosity=0)
print(
    json.dumps(
        {
            "apps_depended_on": sorted(depended_on & set(apps)),
            "steps": steps,
            "lost": lost,
            "remaining_at_zero": remaining,
            "tables_after": len(counts()),
        }
    )
)
