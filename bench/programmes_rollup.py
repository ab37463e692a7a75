"""Bench: a ~5,000-item programme cascaded over a province; time the roll-up summary.

    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_x .venv/bin/python \
        bench/programmes_rollup.py

Everything runs in one transaction that is rolled back: the database is left as it was.
Prints (and writes to $DANGBO_DATA_DIR/bench/programmes_rollup.json) the median of warm runs.
"""

import json
import os
import statistics
import sys
import time
import warnings
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")
warnings.simplefilter("ignore")  # treebeard deprecation notes

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from dangbo.organizations.models import Organization, OrgType  # noqa: E402
from dangbo.programmes import queries, rules  # noqa: E402
from dangbo.programmes.models import Programme, ProgrammeItem  # noqa: E402

# 37 top items (29 of them fully done, as in seed 004), each cascaded to 40 orgs that plan
# 2 contributions: 37 + 37·45 + 37·45·2 = 5,032 items.
TOP_ITEMS, ORGS, SUB_ITEMS = 37, 45, 2


def build():
    province = Organization.add_root(
        name="Đảng bộ tỉnh Bench",
        org_type=OrgType.objects.get(code="province"),
        founded_on=date(2000, 1, 1),
    )
    superior = OrgType.objects.get(code="superior")
    orgs = [
        province.add_child(name=f"Đảng ủy {n}", org_type=superior, founded_on=date(2000, 1, 1))
        for n in range(ORGS)
    ]
    programme = Programme.objects.create(
        organization=province,
        kind="term",
        title="Chương trình toàn khóa (bench)",
        starts_on=date(2025, 10, 1),
        ends_on=date(2030, 9, 30),
    )
    rows = []

    def item(path, org, numchild, progress=0, due=date(2030, 6, 30)):
        rows.append(
            ProgrammeItem(
                programme=programme,
                path=path,
                depth=len(path) // rules.STEPLEN,
                numchild=numchild,
                organization=org,
                title="Mục",
                expected_result="Kết quả",
                due_on=due,
                progress=progress,
                is_cascade=len(path) == 2 * rules.STEPLEN,
            )
        )

    n = 0
    for t in range(1, TOP_ITEMS + 1):
        top = rules.child_path("", t)
        item(top, province, ORGS)
        for o, org in enumerate(orgs, start=1):
            cascaded = rules.child_path(top, o)
            item(cascaded, org, SUB_ITEMS)
            for s in range(1, SUB_ITEMS + 1):
                n += 1
                item(
                    rules.child_path(cascaded, s),
                    org,
                    0,
                    progress=100 if t <= 29 else (n * 37) % 101,
                    due=date(2026, 1, 1) if n % 7 == 0 else date(2030, 6, 30),
                )
    ProgrammeItem.objects.bulk_create(rows, batch_size=2000)
    return programme, len(rows)


def timed(fn, runs=15):
    fn()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def main():
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        programme, count = build()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE programmes_programmeitem")
        on = date(2026, 6, 1)
        summary = queries.programme_summary(programme, on=on)
        result = {
            "database": connection.vendor,
            "items": count,
            "leaves": summary["leaves"],
            "done_of_top_items": f"{summary['done']}/{summary['total']}",
            "summary_ms": timed(lambda: queries.programme_summary(programme, on=on)),
            "tree_screen_rollup_ms": timed(
                lambda: queries.programme_summary(programme, on=on, levels=2)
            ),
            "all_levels_rollup_ms": timed(lambda: queries.item_rollups(programme.pk, on=on)),
            "as_of_date_summary_ms": timed(
                lambda: queries.programme_summary(programme, on=on, as_of=True)
            ),
        }
        transaction.set_rollback(True)
    print(json.dumps(result, ensure_ascii=False))
    out = settings.DATA_DIR / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "programmes_rollup.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
