"""Upgrades: every migration can be reversed, and on a database with data each app steps back
and forward without losing a row; every app goes to zero and back (docs/operations.md says
what this does not cover)."""

import json
import shutil
from pathlib import Path

import pytest
from django.db.migrations.loader import MigrationLoader

from tests.ops.conftest import dangbo

pytestmark = pytest.mark.xdist_group("ops-backup")  # shares the seeded database


def test_every_dangbo_migration_is_reversible():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        f"{app}.{name}: {type(operation).__name__}"
        for (app, name), migration in loader.disk_migrations.items()
        if migration.__module__.startswith("dangbo.")
        for operation in migration.operations
        if not operation.reversible
    ]
    assert not irreversible, "give these a reverse (migrations.RunPython.noop if harmless)"


def test_migrations_round_trip_on_a_database_with_data(seeded_sqlite, tmp_path):
    url, data_dir = seeded_sqlite
    copy = tmp_path / "roundtrip.sqlite3"
    shutil.copy(Path(url.removeprefix("sqlite:///")), copy)
    script = Path(__file__).with_name("roundtrip.py").read_text()
    result = dangbo("shell", "-c", script, url=f"sqlite:///{copy}", data_dir=data_dir)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["steps"], "no app stepped back"
    assert report["lost"] == {}, "rows lost stepping a migration back and forward"
    assert report["remaining_at_zero"] == [], "tables left after migrating every app to zero"
    assert report["tables_after"] >= 80
    # The framework apps are depended on by every domain app: stepping them back would drop
    # the domain apps' tables (docs/operations.md, "Upgrades").
    assert set(report["apps_depended_on"]) >= {"core", "organizations", "members"}
