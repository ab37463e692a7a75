"""Permission-matrix rows for the reports app (see docs/DEVELOPING.md).

Report screens take the org as `?org=`; without it they open the user's own top node, so
the rows below check the permission; reaching another subtree through `?org=` is tested in
tests/reports (outside → 404)."""

from dangbo.reports.models import ExportJob, ReportSnapshot
from tests import factories
from tests.permission_matrix import Case


def _snapshot(org_key):
    def kwargs(d):
        snapshot = ReportSnapshot.objects.create(
            organization=d[org_key],
            report_key="members:status",
            title="Đảng viên theo trạng thái",
            params={"on": "2025-12-31", "children": True},
            grid={"lead_columns": [], "columns": [], "rows": [], "totals": []},
            content_sha256="0" * 64,
            issued_by=factories.user(is_superuser=True),
        )
        return {"pk": snapshot.pk}

    return kwargs


def _job(d):
    """A job requested by someone else: only its requester may see it."""
    job = ExportJob.objects.create(
        organization=d["committee"],
        requested_by=factories.user(is_superuser=True),
        title="Danh sách",
        state=ExportJob.State.DONE,
    )
    return {"pk": job.pk}


def _module(key, permission):
    def allowed(role):
        return role.grants("reports.view") and role.grants(permission)

    return allowed


# ?org= chooses the report's root: one outside the subtree is a 404, like a URL
OUTSIDE_ROOT = {"query": lambda d: {"org": d["village"].pk}, "query_ok": 404}

CASES = [
    Case("reports:index", "reports.view", **OUTSIDE_ROOT),
    Case("reports:dashboard", "reports.view", **OUTSIDE_ROOT),
    Case("reports:quality", "reports.view", **OUTSIDE_ROOT),
    Case("reports:members", "reports.view", **OUTSIDE_ROOT),
    # members' names behind a figure: members.view as well
    Case("reports:rows", "reports.view", allowed=_module("rows", "members.view"), **OUTSIDE_ROOT),
    Case("reports:export", "reports.view", inside=lambda d: {"fmt": "csv"}, **OUTSIDE_ROOT),
    Case("reports:snapshots", "reports.view", **OUTSIDE_ROOT),
    Case(
        "reports:snapshot_create",
        "reports.view",
        method="post",
        payload=lambda d: {"report_key": "members:status"},
        ok=302,
    ),
    Case(
        "reports:snapshot",
        "reports.view",
        inside=_snapshot("committee"),
        outside=_snapshot("village"),
    ),
    Case("reports:exports", "reports.view"),
    Case(
        "reports:export_start",
        "reports.view",
        method="post",
        ok=302,
        allowed=_module("export", "members.view"),  # an XLSX of members' names
    ),
    Case("reports:export_job", "reports.view", inside=_job, allowed=lambda role: False),
    Case("reports:export_download", "reports.view", inside=_job, allowed=lambda role: False),
    Case(
        "reports:export_retry",
        "reports.view",
        inside=_job,
        method="post",
        ok=302,
        allowed=lambda role: False,
    ),
    *(
        Case(
            name,
            inside=lambda d, extra=extra: {"key": "meetings", **extra},
            allowed=_module("meetings", "meetings.view"),
            **OUTSIDE_ROOT,
        )
        for name, extra in [
            ("reports:module", {}),
            ("reports:module_card", {}),
            ("reports:module_export", {"fmt": "xlsx"}),
            ("reports:module_rows", {}),  # the first measure's rows
        ]
    ),
    Case(
        "reports:module_card",
        inside=lambda d: {"key": "inspections"},
        allowed=_module("inspections", "inspections.view"),  # strict: '*.view' is not enough
    ),
]
