"""From a just-rooted tree: the import page offers its templates, and a whole tree of any depth
comes in from one spreadsheet (parents by name, by path, or named with their parents)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from dangbo.imports import services
from dangbo.imports.models import ImportJob
from dangbo.imports.pipeline import RowPlan, parents_first
from dangbo.imports.rules import org_chain
from dangbo.members.models import Member
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgType
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, ORG_HEADERS, member_row, xlsx_bytes


def org_row(name, parent, type_name="Chi bộ trực thuộc", code=""):
    return [None, name, code, type_name, parent, "01/02/2015", "12-QĐ/ĐU", "Nguyễn Văn Ký"]


ROOT = "Đảng bộ Khối các cơ quan tỉnh"

TREE_ROWS = [
    org_row(ROOT, None, "Đảng bộ cấp trên trực tiếp cơ sở"),  # the root itself: already there
    org_row("Đảng bộ Sở Tư pháp", ROOT, "Đảng bộ cơ sở"),
    org_row("Đảng bộ Sở Tài chính", "dang bo khoi cac co quan tinh", "Đảng bộ cơ sở"),
    org_row("Chi bộ Văn phòng", "Đảng bộ Sở Tư pháp"),
    org_row("Chi bộ Văn phòng", "Đảng bộ Sở Tài chính"),
    # depth 4 under a sub-committee named the same in both departments: parents by path/label
    org_row("Đảng bộ bộ phận Thanh tra", "Đảng bộ Sở Tư pháp", "Đảng bộ bộ phận"),
    org_row("Đảng bộ bộ phận Thanh tra", "Đảng bộ Sở Tài chính", "Đảng bộ bộ phận"),
    org_row("Chi bộ Thanh tra 1", "Đảng bộ Sở Tư pháp > Đảng bộ bộ phận Thanh tra"),
    org_row("Chi bộ Thanh tra 1", "Đảng bộ bộ phận Thanh tra — Đảng bộ Sở Tài chính"),
    org_row("Chi bộ Thanh tra 2", f"{ROOT} / Đảng bộ Sở Tài chính / Đảng bộ bộ phận Thanh tra"),
]


@pytest.fixture
def root(db):
    org_type = OrgType.objects.get(code="superior")
    admin = factories.user("quantri", is_superuser=True, is_staff=True)
    decision = org_services.Decision("01-QĐ/TU", date(2010, 1, 1), "Bí thư", date(2010, 1, 1))
    return org_services.set_up_root(name=ROOT, org_type=org_type, decision=decision, user=admin)


@pytest.fixture
def officer(root):
    return factories.user("bantochuc", role_code="org_board_officer", on=root)


def test_org_chain_reads_labels_and_paths():
    assert org_chain("Chi bộ Văn phòng") == ["chi bo van phong"]
    assert org_chain("Chi bộ Văn phòng — Đảng bộ Sở Tư pháp") == [
        "chi bo van phong",
        "dang bo so tu phap",
    ]
    assert org_chain("Khối > Sở Tư pháp > Chi bộ 1") == ["chi bo 1", "so tu phap", "khoi"]
    assert org_chain("Khối / Chi bộ 1") == ["chi bo 1", "khoi"]
    assert org_chain("Chi bộ Kế hoạch - Tài chính") == ["chi bo ke hoach - tai chinh"]
    assert org_chain("Chi bộ khu phố 1/5") == ["chi bo khu pho 1/5"]


def test_import_page_offers_templates_on_a_just_rooted_tree(client, officer, root):
    client.force_login(officer)
    page = client.get(reverse("imports:index")).content.decode()
    assert "Tải mẫu nhập tổ chức đảng" in page and ROOT in page
    response = client.get(reverse("imports:template", args=["organizations"]), {"org": root.pk})
    assert response.status_code == 200
    sheets = load_workbook(io.BytesIO(response.content))
    assert any(ROOT in str(c.value) for ws in sheets.worksheets for r in ws.iter_rows() for c in r)


def test_first_run_hint_on_the_import_page_of_an_empty_system(admin_client):
    page = admin_client.get(reverse("imports:index")).content.decode()
    assert reverse("organizations:first_run") in page


@pytest.mark.parametrize("as_superuser", [False, True])
def test_a_whole_tree_then_its_members_from_spreadsheets(root, officer, run_import, as_superuser):
    user = officer
    if as_superuser:
        user = factories.user("quantri2", is_superuser=True)
    job = run_import(user, root, xlsx_bytes(ORG_HEADERS, TREE_ROWS), kind="organizations")
    assert job.report["errors"] == []
    assert job.counts == {"create": 9, "update": 0, "unchanged": 1, "error": 0, "total": 10}
    job = services.request_commit(job, user=user, skip_errors=False)
    assert job.state == ImportJob.State.COMMITTED, job.error_message

    assert Organization.objects.count() == 10
    assert Organization.objects.filter(depth=4).count() == 3
    finance = Organization.objects.get(name="Đảng bộ Sở Tài chính")
    deep = Organization.objects.filter(name="Chi bộ Thanh tra 1", path__startswith=finance.path)
    assert deep.get().depth == 4
    assert (
        Organization.objects.filter(name="Chi bộ Thanh tra 2").get().path.startswith(finance.path)
    )

    # members: a shared cell name needs its parent; the bare name is refused, never guessed
    members = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("Nguyễn Văn Một", "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp"),
            member_row("Trần Thị Hai", "Đảng bộ Sở Tài chính > Chi bộ Văn phòng", gender="Nữ"),
            member_row("Lê Văn Ba", "Chi bộ Thanh tra 2"),
            member_row("Phạm Văn Bốn", "Chi bộ Văn phòng"),
        ],
    )
    job = run_import(user, root, members)
    assert job.counts["create"] == 3 and job.counts["error"] == 1
    (error,) = job.report["errors"]
    assert "Có 2 chi bộ tên «Chi bộ Văn phòng»" in error["message"]
    assert "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp" in error["message"]
    job = services.request_commit(job, user=user, skip_errors=True)
    assert job.state == ImportJob.State.COMMITTED, job.error_message
    assert Member.objects.get(full_name="Trần Thị Hai").organization.path.startswith(finance.path)
    assert Member.objects.filter(org_path__startswith=root.path).count() == 3


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=40), st.randoms())
def test_parents_first_puts_every_row_after_its_parent_row(parents, rnd):
    """A random tree (row i's parent is an earlier row, or the root) in a random file order."""
    names = [f"Tổ chức {i}" for i in range(len(parents))]
    rows = [
        RowPlan(row=i + 2, values={"name": names[i], "parent": names[p] if p < i else ROOT})
        for i, p in enumerate(parents)
    ]
    rnd.shuffle(rows)
    ordered = parents_first(rows)
    assert sorted(r.row for r in ordered) == sorted(r.row for r in rows)
    seen = {ROOT}
    for row in ordered:
        assert row.values["parent"] in seen
        seen.add(row.values["name"])


def test_a_tree_listed_children_first_comes_in(root, officer, run_import):
    rows = list(reversed(TREE_ROWS[1:]))  # every child above its parent
    job = run_import(officer, root, xlsx_bytes(ORG_HEADERS, rows), kind="organizations")
    assert job.report["errors"] == []
    assert job.counts["create"] == 9
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert job.state == ImportJob.State.COMMITTED, job.error_message
    assert Organization.objects.filter(depth=4).count() == 3
