"""Org imports: a subtree in file order (a parent may be a row above), rollback removes it."""

import pytest

from dangbo.core.errors import DomainError
from dangbo.imports import services
from dangbo.imports.models import ImportJob
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod
from tests import factories
from tests.imports.helpers import ORG_HEADERS, xlsx_bytes


def org_row(name, parent, type_name="Chi bộ trực thuộc", founded="01/02/2024", code=""):
    return [None, name, code, type_name, parent, founded, "12-QĐ/ĐU", "Nguyễn Văn Ký"]


def test_a_subtree_is_created_and_rolled_back(tree, officer, run_import):
    counts = (Organization.objects.count(), OrgPeriod.objects.count(), OrgEvent.objects.count())
    content = xlsx_bytes(
        ORG_HEADERS,
        [
            org_row("Đảng bộ Sở Tài chính", "dang uy khoi cac co quan tinh", "Đảng bộ cơ sở"),
            org_row("Chi bộ Kế toán", "Đảng bộ Sở Tài chính", code="TC-KT"),
            org_row("Chi bộ Ngân sách", "Dang bo So Tai chinh"),
            org_row("Chi bộ Con", "Chi bộ Kế toán"),  # a cell cannot hold orgs
            org_row("Chi bộ Lạc", "Đảng ủy xã Tân Lập"),  # outside the bloc
            org_row("Chi bộ Tương Lai", "Đảng bộ Sở Tư pháp", founded="01/01/2999"),
            org_row("Chi bộ Loại Lạ", "Đảng bộ Sở Tư pháp", type_name="Tổ đảng"),
        ],
    )
    job = run_import(officer, tree["bloc"], content, kind="organizations")
    assert job.counts == {"create": 3, "update": 0, "unchanged": 0, "error": 4, "total": 7}
    messages = {e["row"]: e["message"] for e in job.report["errors"]}
    assert "là chi bộ" in messages[5]
    assert (
        messages[6]
        == "Không tìm thấy tổ chức cấp trên «Đảng ủy xã Tân Lập» trong phạm vi được giao."
    )
    assert "sau ngày hôm nay" in messages[7]
    assert "không có trong danh mục" in messages[8]

    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == ImportJob.State.COMMITTED, job.error_message
    finance = Organization.objects.get(name="Đảng bộ Sở Tài chính")
    assert Organization.objects.get_parent(finance) == tree["bloc"]
    assert Organization.objects.get(code="TC-KT").path.startswith(finance.path)
    assert finance.events.get().decision_number == "12-QĐ/ĐU"

    again = run_import(officer, tree["bloc"], content, kind="organizations")
    assert again.counts["unchanged"] == 3  # the same file twice creates nothing twice

    job = services.request_rollback(job, user=officer)
    assert job.state == ImportJob.State.ROLLED_BACK, job.error_message
    assert counts == (
        Organization.objects.count(),
        OrgPeriod.objects.count(),
        OrgEvent.objects.count(),
    )
    assert Organization.objects.get(pk=tree["bloc"].pk).numchild == 1


def test_org_rollback_refused_once_members_joined(tree, officer, run_import):
    content = xlsx_bytes(ORG_HEADERS, [org_row("Chi bộ Mới Lập", "Đảng bộ Sở Tư pháp")])
    job = run_import(officer, tree["bloc"], content, kind="organizations")
    job = services.request_commit(job, user=officer, skip_errors=False)
    factories.member(Organization.objects.get(name="Chi bộ Mới Lập"), "Vào Sau")
    with pytest.raises(DomainError, match="tham chiếu"):
        services.request_rollback(job, user=officer)
