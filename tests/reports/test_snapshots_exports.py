"""Issued reports keep their figures; long exports run in the background."""

import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.errors import DomainError
from dangbo.members import services as member_services
from dangbo.reports import services
from dangbo.reports.models import ExportJob, ReportSnapshot
from tests import factories
from tests.paper_helpers import own_rows

ISSUED = date(2025, 12, 31)


@pytest.fixture
def inline_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DANGBO_EXPORTS_DIR = tmp_path / "exports"


def test_snapshot_matches_a_later_recomputation_when_nothing_was_backdated(tree, admin_user):
    snapshot = services.issue_snapshot(
        admin_user,
        tree["province"],
        "members:gender",
        {"on": ISSUED.isoformat(), "children": True},
        "Số 12-BC/TU",
        today=ISSUED,
    )
    assert snapshot.grid["totals"][0] == 5 and len(snapshot.content_sha256) == 64
    # Changes dated after the issue date do not alter the figures for that date.
    factories.member(
        tree["cell_a"], "Võ Minh Khang", admitted_on=date(2026, 2, 3), official_on=None
    )
    member_services.merge_orgs(
        [tree["cell_b"]], tree["cell_a"], decision=factories.decision(date(2026, 3, 1))
    )
    assert services.differences(snapshot, admin_user, today=date(2026, 4, 1)) == []


def test_backdated_change_shows_as_a_difference(tree, admin_user):
    snapshot = services.issue_snapshot(
        admin_user,
        tree["province"],
        "members:gender",
        {"on": ISSUED.isoformat(), "children": True},
        today=ISSUED,
    )
    # Recorded later but effective before the issue date: the report for that day changes.
    factories.member(
        tree["village"], "Hoàng Thị Lan", gender="F", admitted_on=date(2025, 6, 1), official_on=None
    )
    changed = services.differences(snapshot, admin_user, today=date(2026, 4, 1))
    cells = {(c["row"], c["column"]): (c["issued"], c["now"]) for c in changed}
    assert cells[("Đảng ủy xã Tân Lập", "Nữ")] == (1, 2)
    assert cells[("Tổng cộng", "Tổng số")] == (5, 6)


def test_module_snapshot_and_unknown_report(tree, admin_user):
    snapshot = services.issue_snapshot(
        admin_user, tree["committee"], "module:meetings", {"year": 2025, "children": True}
    )
    assert snapshot.title.startswith("Sinh hoạt chi bộ")
    with pytest.raises(DomainError):
        services.issue_snapshot(admin_user, tree["committee"], "module:nope", {"year": 2025})
    outsider = factories.user(role_code="viewer", on=tree["commune"])
    with pytest.raises(DomainError):
        services.issue_snapshot(outsider, tree["committee"], "members:status", {"on": "2025-01-01"})


def test_snapshot_screens_are_scoped(tree, admin_client, client):
    response = admin_client.post(
        reverse("reports:snapshot_create") + f"?org={tree['committee'].pk}&on=31/12/2025",
        {"report_key": "members:status", "note": "Gửi Ban Tổ chức Tỉnh ủy"},
    )
    snapshot = ReportSnapshot.objects.get()
    assert response.status_code == 302 and snapshot.params["on"] == "2025-12-31"
    detail = admin_client.get(reverse("reports:snapshot", args=[snapshot.pk])).content.decode()
    assert "khớp hoàn toàn" in detail and "Gửi Ban Tổ chức Tỉnh ủy" in detail
    listing = admin_client.get(reverse("reports:snapshots"), {"org": tree["province"].pk})
    assert snapshot.title in listing.content.decode()
    client.force_login(factories.user(role_code="viewer", on=tree["commune"]))
    assert client.get(reverse("reports:snapshot", args=[snapshot.pk])).status_code == 404


def test_background_member_export_masks_ids_and_logs_download(tree, inline_tasks, client):
    viewer = factories.user(role_code="viewer", on=tree["province"])
    client.force_login(viewer)
    response = client.post(
        reverse("reports:export_start") + f"?org={tree['committee'].pk}", {"path": ""}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.state == ExportJob.State.DONE
    assert job.progress_done == 4 and job.percent == 100
    page = client.get(reverse("reports:export_job", args=[job.pk])).content.decode()
    assert "download-link" in page
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    body = b"".join(download.streaming_content)
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    rows = own_rows(load_workbook(io.BytesIO(body), read_only=True).active)
    assert rows[1][1] == "Họ và tên" and len(rows) == 2 + 4
    names = sorted(r[1] for r in rows[2:])
    assert names == sorted(m.full_name for m in tree["members_a"] + tree["members_b"])
    assert all("*" in r[4] for r in rows[2:])  # the viewer does not see ID numbers


def test_export_jobs_belong_to_their_requester(tree, inline_tasks, admin_user, client):
    job = services.start_member_export(admin_user, tree["province"], date(2025, 12, 31))
    client.force_login(factories.user(role_code="viewer", on=tree["province"]))
    assert client.get(reverse("reports:export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404
    with pytest.raises(DomainError):
        services.start_member_export(
            admin_user, tree["committee"], date(2025, 1, 1), path=tree["village"].path
        )
