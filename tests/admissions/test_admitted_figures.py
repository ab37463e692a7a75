"""'Admitted in the year' means one thing everywhere (#22, #23): the members whose admission
decision date falls in the year, placed by the org they were admitted into, whether the file
was processed in the system or the member was imported. The dashboard, the admissions report
against targets, the catalogue and the drill-down list the same members."""

import io
import random
import re
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.admissions import services
from dangbo.admissions.models import AdmissionTermTarget
from dangbo.admissions.rules import Stage
from dangbo.committees import services as committee_services
from dangbo.core.errors import DomainError
from dangbo.members import queries as member_queries
from dangbo.members import services as member_services
from dangbo.members.models import Member
from dangbo.reports import catalogue, dashboard
from tests import factories
from tests.admissions.helpers import open_file, walk
from tests.paper_helpers import own_rows

YEAR = 2025
TODAY = date(2026, 3, 1)


@pytest.fixture
def admitted(tree):
    """In the committee in 2025: one file processed here (cell_a), one member imported
    (cell_b, no admission file), one admitted in cell_a and moved to cell_b later; outside the
    year or the committee: one admitted in 2024, one in the village."""
    processed = walk(open_file(tree), tree, Stage.DECIDED).member  # decided 20/03/2025
    imported = factories.member(
        tree["cell_b"], "Bùi Thị Loan", gender="F", admitted_on=date(YEAR, 2, 3), official_on=None
    )
    moved = factories.member(
        tree["cell_a"], "Hoàng Văn Nam", admitted_on=date(YEAR, 1, 10), official_on=None
    )
    member_services.place_members(
        [moved.pk], tree["cell_b"], date(YEAR, 6, 1), summary="Chuyển sinh hoạt"
    )
    factories.member(
        tree["cell_a"], "Mai Văn Cũ", admitted_on=date(YEAR - 1, 12, 31), official_on=None
    )
    factories.member(
        tree["village"], "Đỗ Thị Xã", gender="F", admitted_on=date(YEAR, 7, 1), official_on=None
    )
    return {"processed": processed, "imported": imported, "moved": moved}


def _names(body: str) -> set[str]:
    return {name for name in re.findall(r"<td>([^<]+)</td>", body)}


def test_imported_member_counts_everywhere_and_figures_equal_their_rows(
    tree, admitted, admin_client, admin_user
):
    committee = tree["committee"]
    expected = {"Võ Minh Khang", "Bùi Thị Loan", "Hoàng Văn Nam"}
    # the one query
    rows = member_queries.admitted_in_year(committee, YEAR)
    assert {m.full_name for m in rows} == expected
    # the dashboard's changes of the year
    assert dashboard.changes_in_year(committee, YEAR)["admitted"] == 3
    # the admissions report against targets: by the org admitted into (moved stays in cell_a)
    services.set_target(organization=committee, year=YEAR, target=4)
    report = {r["org"].name: r for r in services.target_report(committee, YEAR)}
    assert report["Đảng bộ Sở Tư pháp"]["admitted"] == 3
    assert report["Đảng bộ Sở Tư pháp"]["percent"] == 75.0
    assert report["Chi bộ Văn phòng"]["admitted"] == 2
    assert report["Chi bộ Phòng Nghiệp vụ"]["admitted"] == 1
    # the catalogue
    table = catalogue.build_table(
        catalogue.REPORTS["admissions"], committee, YEAR, TODAY, admin_user
    )
    assert table.total.values["admitted"] == 3
    by_label = {row.label: row.values["admitted"] for row in table.rows}
    assert by_label == {"Chi bộ Văn phòng": 2, "Chi bộ Phòng Nghiệp vụ": 1}
    # the committee's own target is its figure, not a row 'directly under' it
    assert table.total.values["target"] == 4 and table.total.ratios["of_target"] == 75.0
    # the drill-down lists exactly those members, for the whole and for a child
    url = reverse("reports:module_rows", args=["admissions"])
    params = {"org": committee.pk, "year": YEAR, "measure": "admitted"}
    body = admin_client.get(url, params).content.decode()
    assert _names(body) >= expected
    assert not {"Mai Văn Cũ", "Đỗ Thị Xã"} & _names(body)
    assert body.count("/2025</td>") == 3
    child = admin_client.get(url, {**params, "path": tree["cell_a"].path}).content.decode()
    assert {"Võ Minh Khang", "Hoàng Văn Nam"} <= _names(child)
    assert "Bùi Thị Loan" not in child and "Chi bộ Văn phòng" in child
    # the screens show the same figure and link it to those rows
    page = admin_client.get(reverse("reports:dashboard"), {"org": committee.pk, "year": YEAR})
    assert re.search(
        r'id="dash-admitted"><a href="[^"]*measure=admitted">3<', page.content.decode()
    )
    card = admin_client.get(
        reverse("reports:module_card", args=["admissions"]), {"org": committee.pk, "year": YEAR}
    ).content.decode()
    assert re.search(r"Đã kết nạp</td><td[^>]*><a [^>]*measure=admitted\">3<", card)
    targets = admin_client.get(
        reverse("admissions:targets"), {"org": committee.pk, "year": YEAR}
    ).content.decode()
    assert 'measure=admitted">3<' in targets


def test_whole_tree_and_other_subtrees_agree(tree, admitted, admin_user):
    province = tree["province"]
    assert dashboard.changes_in_year(province, YEAR)["admitted"] == 4
    table = catalogue.build_table(
        catalogue.REPORTS["admissions"], province, YEAR, TODAY, admin_user
    )
    assert table.total.values["admitted"] == 4
    assert services.target_report(province, YEAR)[0]["admitted"] == 4
    assert dashboard.changes_in_year(tree["commune"], YEAR)["admitted"] == 1
    assert dashboard.changes_in_year(province, YEAR - 1)["admitted"] == 1


def test_a_member_who_left_was_still_admitted_in_the_year(tree, admitted):
    member_services.leave(
        admitted["imported"],
        new_status="deleted",
        on=date(YEAR, 9, 1),
        decision_number="09-QĐ/ĐU",
        reason="Xóa tên",
    )
    assert dashboard.changes_in_year(tree["committee"], YEAR)["admitted"] == 3


def test_placement_later_than_the_admission_counts_where_first_placed(tree):
    member = factories.member(
        tree["cell_b"],
        "Trịnh Văn Muộn",
        admitted_on=date(YEAR, 3, 1),
        official_on=None,
        placed_on=date(YEAR, 5, 1),
    )
    rows = member_queries.admitted_in_year(tree["committee"], YEAR)
    (row,) = rows
    assert row == member and row.admission_org_id == tree["cell_b"].pk


# --- term (congress) targets ------------------------------------------------------------


@pytest.fixture
def term(tree):
    return committee_services.record_congress(
        organization=tree["committee"],
        term_name="2020–2025",
        number=5,
        held_on=date(2020, 10, 15),
        ends_on=date(2025, 10, 14),
        delegates_summoned=120,
        delegates_present=118,
    ).term


def test_term_target_set_on_screen_and_both_ratios_reported(client, tree, admitted, term):
    factories.member(  # in the term, an earlier year
        tree["cell_b"], "Lương Văn Sớm", admitted_on=date(2023, 5, 5), official_on=None
    )
    factories.member(  # before the term
        tree["cell_b"], "Tạ Văn Trước", admitted_on=date(2020, 10, 14), official_on=None
    )
    officer = factories.user("capuy_nk", role_code="grassroots_committee", on=tree["committee"])
    client.force_login(officer)
    form = client.get(reverse("admissions:term_target_set"), {"org": tree["committee"].pk})
    assert (
        "Nhiệm kỳ 2020–2025 (15/10/2020 – 14/10/2025) — Đảng bộ Sở Tư pháp — Đảng ủy Khối các"
        " cơ quan tỉnh" in form.content.decode()
    )
    response = client.post(
        reverse("admissions:term_target_set") + f"?org={tree['committee'].pk}",
        {"organization": tree["committee"].pk, "term": term.pk, "target": 3, "note": "NQ ĐH V"},
    )
    assert response.status_code == 302, response.content.decode()
    services.set_target(organization=tree["committee"], year=YEAR, target=4)
    rows = services.target_report(tree["committee"], YEAR, TODAY)
    total = rows[0]
    assert (total["admitted"], total["target"], total["share"].share) == (3, 4, 75)
    assert (total["term_from"], total["term_to"]) == (date(2020, 10, 15), date(2025, 10, 14))
    # the three of 2025, Mai Văn Cũ (31/12/2024) and Lương Văn Sớm (2023)
    assert (total["term_admitted"], total["term_target"]) == (5, 3)
    assert str(total["term_share"].share) == "166.7" and str(total["term_share"].excess) == "66.7"
    children = {r["org"].name: r for r in rows[1:]}
    assert "term" not in children["Chi bộ Văn phòng"]  # the cells have no term recorded
    body = client.get(
        reverse("admissions:targets"), {"org": tree["committee"].pk, "year": YEAR}
    ).content.decode()
    assert "kết nạp 5 đảng viên, chỉ tiêu Đại hội 3, vượt 66,7% chỉ tiêu Đại hội" in body
    assert "75,0%" in body
    xlsx = client.get(
        reverse("admissions:targets"),
        {"org": tree["committee"].pk, "year": YEAR, "export": "xlsx"},
    )
    sheet = own_rows(load_workbook(io.BytesIO(xlsx.content)).active)
    (total_row,) = [list(r) for r in sheet if r and r[0] == "Đảng bộ Sở Tư pháp (toàn đảng bộ)"]
    assert total_row[2:5] == [3, 4, "75,0%"]
    assert total_row[8:11] == [5, 3, "166,7% (vượt 66,7%)"]
    # in a year of the term under way, the term counts to the year's end
    earlier = services.target_report(tree["committee"], 2023, TODAY)[0]
    assert earlier["term_to"] == date(2023, 12, 31) and earlier["term_admitted"] == 1
    assert str(earlier["term_share"].share) == "33.3" and earlier["term_share"].excess is None


def test_term_figure_equals_the_members_its_drill_down_lists(client, tree, admitted, term):
    for name, day in (("Lương Văn Sớm", date(2023, 5, 5)), ("Tạ Văn Trước", date(2020, 10, 14))):
        factories.member(tree["cell_b"], name, admitted_on=day, official_on=None)
    services.set_term_target(organization=tree["committee"], term=term, target=3)
    officer = factories.user("bantc_nk", role_code="grassroots_committee", on=tree["committee"])
    client.force_login(officer)
    targets = client.get(reverse("admissions:targets"), {"org": tree["committee"].pk, "year": YEAR})
    link = reverse("admissions:term_admitted") + f"?org={tree['committee'].pk}&year={YEAR}"
    figure = re.search(re.escape(link) + r'">(\d+)</a>', targets.content.decode())
    assert figure, "the term figure links to its rows"
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    before = accesses.count()
    body = client.get(
        reverse("admissions:term_admitted"), {"org": tree["committee"].pk, "year": YEAR}
    ).content.decode()
    listed = set(re.findall(r'href="/members/\d+/">([^<]+)</a>', body))
    assert len(listed) == int(figure.group(1)) == 5
    assert "Lương Văn Sớm" in listed and "Tạ Văn Trước" not in listed  # before the term
    assert accesses.count() == before + 1  # the list of names is logged


def test_term_of_another_org_is_refused(client, tree, term):
    other = committee_services.record_congress(
        organization=tree["bloc"],
        term_name="2020–2025",
        held_on=date(2020, 8, 1),
        delegates_summoned=200,
        delegates_present=190,
    ).term
    client.force_login(factories.user("capuy_k", role_code="province_admin", on=tree["province"]))
    response = client.post(
        reverse("admissions:term_target_set"),
        {"organization": tree["committee"].pk, "term": other.pk, "target": 3},
    )
    assert response.status_code == 200
    assert "Nhiệm kỳ không thuộc tổ chức đã chọn." in response.content.decode()
    assert not AdmissionTermTarget.objects.exists()
    with pytest.raises(DomainError):
        services.set_term_target(organization=tree["committee"], term=other, target=3)


def test_admitted_between_equals_a_plain_oracle_over_placements(tree):
    """Random admissions and moves: for every org and period, the query returns exactly the
    members a plain reading of the rows gives (admission date in the period; the placement on
    that date, or the earliest when placed later)."""
    rng = random.Random(23)
    cells = [tree["cell_a"], tree["cell_b"], tree["village"]]
    for n in range(12):
        admitted_on = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1000))
        placed_on = admitted_on + timedelta(days=rng.choice([0, 0, 0, 40]))
        member = factories.member(
            rng.choice(cells),
            f"Người Thử {n}",
            admitted_on=admitted_on,
            official_on=None,
            placed_on=placed_on,
        )
        for _move in range(rng.randrange(0, 3)):
            last = member.placements.order_by("-valid_from").first().valid_from
            day = last + timedelta(days=rng.randrange(1, 200))
            if day < date(2026, 1, 1):
                target = rng.choice([c for c in cells if c.pk != member.organization_id])
                member_services.place_members([member.pk], target, day, summary="Điều chuyển")
                member.refresh_from_db()

    def oracle(root, start, end):
        found = set()
        for member in Member.objects.prefetch_related("placements__organization"):
            if not start <= member.admitted_on <= end:
                continue
            placements = sorted(member.placements.all(), key=lambda p: (p.valid_from, p.pk))
            then = [
                p
                for p in placements
                if p.valid_from <= member.admitted_on
                and (p.valid_to is None or p.valid_to > member.admitted_on)
            ]
            org = (then[-1] if then else placements[0]).organization
            if org.path.startswith(root.path):
                found.add(member.pk)
        return found

    periods = [
        (date(2023, 1, 1), date(2023, 12, 31)),
        (date(2024, 3, 1), date(2025, 8, 31)),
        (date(2020, 1, 1), date(2026, 12, 31)),
    ]
    for key in ("province", "bloc", "committee", "cell_a", "cell_b", "commune", "village"):
        for start, end in periods:
            got = set(
                member_queries.admitted_between(tree[key], start, end).values_list("pk", flat=True)
            )
            assert got == oracle(tree[key], start, end), (key, start, end)


def test_demo_targets_are_idempotent_and_cover_the_term_in_force(tree, admitted, term):
    from dangbo.admissions.models import AdmissionTarget
    from dangbo.demo.modules import seed_admission_targets

    assert seed_admission_targets(tree["bloc"], 1, today=TODAY) == 5  # 2 orgs × 2 years + 1 term
    assert seed_admission_targets(tree["bloc"], 1, today=TODAY) == 5
    assert AdmissionTarget.objects.count() == 4
    assert AdmissionTermTarget.objects.get().term == term
