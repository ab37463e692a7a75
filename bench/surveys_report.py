"""Bench: the report of a 5,000-respondent survey campaign (target < 1 s).

Usage (an empty PostgreSQL database of your own):
    DANGBO_DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangbo_bench_surveys \
        .venv/bin/python bench/surveys_report.py
Builds, when the database has no campaign, a province with 49 sampled cells and a campaign of
20 questions (8 scale, 6 single, 4 multiple, 2 free text) answered by 5,000 respondents in 3
groups, through the services. Times the results aggregation (what the results screen and the
API read), the results screen through Django's test client, and the XLSX/DOCX exports.
Writes bench/results/surveys_report.json.
"""

import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from dangbo.organizations import services as org_services  # noqa: E402
from dangbo.organizations.models import OrgType  # noqa: E402
from dangbo.programmes import services as programme_services  # noqa: E402
from dangbo.surveys import exports, queries, services  # noqa: E402
from dangbo.surveys.models import Answer, Campaign, QuestionKind, Response  # noqa: E402

RESPONDENTS = 5000
RUNS = int(os.environ.get("BENCH_RUNS", 7))


def _org(name, code, parent=None):
    return org_services.found_org(
        name=name,
        org_type=OrgType.objects.get(code=code),
        parent=parent,
        decision=org_services.Decision(
            number="01-QĐ/TU",
            decided_on=date(2020, 1, 1),
            signer="A",
            effective_date=date(2020, 1, 1),
        ),
    )


def seed() -> Campaign:
    call_command("migrate", verbosity=0)
    campaign = Campaign.objects.first()
    if campaign is not None:
        return campaign
    started = time.monotonic()
    rng = random.Random(4)
    province = _org("Đảng bộ tỉnh Bench", "province")
    blocs = [_org(f"Đảng ủy khối {n}", "superior", province) for n in range(3)]
    committees = [
        _org(f"Đảng bộ cơ sở {n}", "grassroots_committee", blocs[n % 3]) for n in range(9)
    ]
    for n in range(49):
        _org(f"Chi bộ {n}", "cell", committees[n % 9])
    document = programme_services.register_document(
        organization=province,
        doc_type="KH",
        number="86-KH/TU",
        issued_on=date(2025, 3, 15),
        signer="A",
        summary="Đề án nâng cao chất lượng sinh hoạt chi bộ",
    )
    campaign = services.create_campaign(
        organization=province,
        title="Khảo sát 5.000 phiếu",
        purpose="Bench",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        document=document,
    )
    sample = services.draw_sample(campaign, size=49, seed=4)
    groups = [
        services.add_group(campaign, code=c, name=n)
        for c, n in (("CU", "Cấp ủy viên"), ("DV", "Đảng viên"), ("QC", "Quần chúng"))
    ]
    version = services.new_version(campaign, title="Phiếu")
    plan = (
        [(QuestionKind.SCALE, [])] * 8
        + [(QuestionKind.SINGLE, ["Có", "Không", "Không rõ"])] * 6
        + [(QuestionKind.MULTIPLE, ["A", "B", "C", "D", "E"])] * 4
        + [(QuestionKind.TEXT, [])] * 2
    )
    for n, (kind, options) in enumerate(plan, start=1):
        services.add_question(version, kind=kind, text=f"Câu hỏi {n}", options=options)
    version = services.publish_version(version, groups=groups)

    def cell(kind):
        if kind == QuestionKind.SCALE:
            return str(rng.randint(1, 5))
        if kind == QuestionKind.SINGLE:
            return str(rng.randint(1, 3))
        if kind == QuestionKind.MULTIPLE:
            return ",".join(str(i) for i in range(1, 6) if rng.random() < 0.4) or "1"
        return rng.choice(["Ý kiến đề xuất", "", ""])

    for batch in range(RESPONDENTS // 500):
        rows = [
            services.PaperRow(
                rng.choice(["CU", "DV", "DV", "DV", "QC"]),
                rng.choice(sample).pk,
                [cell(kind) for kind, _ in plan],
            )
            for _ in range(500)
        ]
        services.enter_paper(campaign, version, rows)
        print(f"  {(batch + 1) * 500} phiếu", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seed: {time.monotonic() - started:.0f}s", file=sys.stderr)
    return campaign


def timed(fn) -> float:
    fn()  # warm
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 1)


def _get(client, url):
    """The results screen as served, without a collected-static manifest (like bench/run.py)."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, AXES_ENABLED=False, ALLOWED_HOSTS=["*"]):
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def main() -> None:
    campaign = seed()
    version = campaign.versions.get()
    admin, _ = get_user_model().objects.get_or_create(
        username="bench_surveys", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    url = f"/surveys/{campaign.pk}/results/"
    thresholds = services.thresholds(campaign)

    def xlsx():
        result = queries.results(version, thresholds=thresholds, text_limit=None)
        exports.results_workbook(campaign, version, result)[0].save(os.devnull)

    def docx():
        result = queries.results(version, thresholds=thresholds, text_limit=None)
        exports.report_docx(campaign, version, result, [])

    figures = {
        "database": connection.vendor,
        "responses": Response.objects.filter(version=version).count(),
        "answers": Answer.objects.filter(response__version=version).count(),
        "questions": version.questions.count(),
        "results_ms": timed(lambda: queries.results(version, thresholds=thresholds)),
        "results_screen_ms": timed(lambda: _get(client, url)),
        "xlsx_export_ms": timed(xlsx),
        "docx_export_ms": timed(docx),
        "runs": RUNS,
        "load": round(os.getloadavg()[0], 1),
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "surveys_report.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
