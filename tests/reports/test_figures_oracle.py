"""The figures oracle (issue #23): every figure of the module reports and dashboard cards,
recomputed independently in plain Python over the rows (`Model.objects.all()` iterated, no ORM
aggregation), on generated data with back-dated admissions, transfers between cells and a
reorganisation (the grassroots committee moves from the bloc to the commune) at random dates
(hypothesis), plus meetings, dues ledger rows and admission targets.

Covered, for the province, the bloc, the commune and the moved committee, years 2024–2026:
- every report of `catalogue.REPORTS` — admissions (target, admitted, open, overdue), meetings
  (held, each grade, cancelled), member_reviews and org_reviews (classified, each grade, good or
  better, exempt), inspections (each status), badges (each status), dues (due, paid, unpaid),
  programmes (due, done, late), training (enrolled, passed), transfers (out, issued): every
  measure, every child row (the children as the tree stood on the reference date) and the total;
  and each figure equals the number (or the sum) of the rows its drill-down lists.
  Rows are generated for admissions, meetings and dues; the other reports are checked on the
  rows present (none generated here: their figures are checked to be 0 = 0).
- dashboard cards (`reports/dashboard.py`): changes in the year (admitted, official, left by
  reason), orgs by type, cells by size, composition by status and gender.
"""

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dangbo.admissions.models import AdmissionFile, AdmissionTarget
from dangbo.dues.models import LedgerEntry
from dangbo.inspections.models import Inspection
from dangbo.meetings.models import Meeting
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES, LEFT_STATUSES
from dangbo.members.models import Member, Placement, StatusPeriod
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgPeriod
from dangbo.programmes.models import ProgrammeItem
from dangbo.recognition.models import BadgeAward
from dangbo.reports import catalogue, dashboard
from dangbo.reviews.models import Grade as ReviewGrade
from dangbo.reviews.models import MemberReview, OrgReview
from dangbo.training.models import Enrolment
from dangbo.transfers.models import Transfer
from tests import factories

TODAY = date(2026, 6, 30)
YEARS = (2024, 2025, 2026)
OPEN = {str(s) for s in catalogue.OPEN_ADMISSION_STAGES}
GOOD = {str(ReviewGrade.EXCELLENT), str(ReviewGrade.GOOD)}


def days(start: date, end: date):
    return st.dates(min_value=start, max_value=end)


# ---------------------------------------------------------------- the tree in valid time


class Tree:
    """Orgs and their periods, read once as plain rows."""

    def __init__(self):
        self.orgs = {o.pk: o for o in Organization.objects.all()}
        self.periods = defaultdict(list)
        for p in OrgPeriod.objects.all():
            self.periods[p.organization_id].append(p)

    def nearest(self, org_id: int, on: date):
        periods = sorted(self.periods[org_id], key=lambda p: (p.valid_from, p.pk))
        begun = [p for p in periods if p.valid_from <= on]
        return begun[-1] if begun else (periods[0] if periods else None)

    def path_on(self, org_id: int, on: date) -> str:
        """Latest period begun by `on`, else the first (older records), else the current."""
        period = self.nearest(org_id, on)
        return period.path if period else self.orgs[org_id].path

    def children_on(self, prefix: str, on: date, since: date) -> set[str]:
        """Child paths shown: orgs placed right under `prefix` that existed in [since, on]
        (or, active, entered the tree only later)."""
        width = len(prefix) + Organization.steplen
        found = set()
        for org_id, org in self.orgs.items():
            periods = self.periods[org_id]
            path = self.path_on(org_id, on)
            if not periods:
                shown = org.is_active
            else:
                shown = any(
                    p.valid_from <= on and (p.valid_to is None or p.valid_to > since)
                    for p in periods
                ) or (org.is_active and all(p.valid_from > on for p in periods))
            if shown and len(path) == width and path.startswith(prefix):
                found.add(path)
        return found


def placement_org(member: Member, placements, day: date, earliest: bool) -> int:
    mine = sorted(placements[member.pk], key=lambda p: (p.valid_from, p.pk))
    valid = [p for p in mine if p.valid_from <= day and (p.valid_to is None or p.valid_to > day)]
    if valid:
        return valid[-1].organization_id
    if earliest and mine:
        return mine[0].organization_id
    return member.organization_id


# ---------------------------------------------------------------- rows of each measure


def _in(day, year):
    return day is not None and day.year == year


def expected_rows(report_key: str, year: int, today: date) -> dict[str, list]:
    """{measure key: [(org id, value, pk)]} — each row counted, its org and its value."""
    placements = defaultdict(list)
    for p in Placement.objects.all():
        placements[p.member_id].append(p)
    out = defaultdict(list)

    def add(key, org_id, pk, value=1):
        out[key].append((org_id, value, pk))

    if report_key == "admissions":
        for t in AdmissionTarget.objects.all():
            if t.year == year:
                add("target", t.organization_id, t.pk, t.target)
        for m in Member.objects.all():
            if _in(m.admitted_on, year):
                add("admitted", placement_org(m, placements, m.admitted_on, True), m.pk)
        for f in AdmissionFile.objects.all():
            if f.stage in OPEN:
                add("open", f.organization_id, f.pk)
                if f.next_deadline and f.next_deadline < today:
                    add("overdue", f.organization_id, f.pk)
    elif report_key == "meetings":
        for m in Meeting.objects.all():
            if m.planned_on.year != year:
                continue
            if m.status == "held":
                add("held", m.organization_id, m.pk)
                add(f"grade_{m.grade}", m.organization_id, m.pk)
            elif m.status == "cancelled":
                add("cancelled", m.organization_id, m.pk)
    elif report_key in ("member_reviews", "org_reviews"):
        model = MemberReview if report_key == "member_reviews" else OrgReview
        for r in model.objects.select_related("review_year"):
            if r.review_year.year != year:
                continue
            if r.final_grade:
                add("reviewed", r.organization_id, r.pk)
                add(f"grade_{r.final_grade}", r.organization_id, r.pk)
            if r.final_grade in GOOD:
                add("good_or_better", r.organization_id, r.pk)
            if getattr(r, "exemption", ""):
                add("exempt", r.organization_id, r.pk)
    else:
        _other_rows(report_key, year, today, placements, add)
    return out


def _other_rows(report_key, year, today, placements, add):
    if report_key == "inspections":
        for i in Inspection.objects.all():
            if _in(i.planned_start, year):
                add(i.status, i.organization_id, i.pk)
    elif report_key == "badges":
        members = {m.pk: m for m in Member.objects.all()}
        for b in BadgeAward.objects.all():
            if _in(b.award_date, year):
                org = placement_org(members[b.member_id], placements, b.award_date, False)
                add(b.status, org, b.pk)
    elif report_key == "dues":
        for e in LedgerEntry.objects.all():
            if e.month.year == year:
                add("due", e.organization_id, e.pk, e.due)
                add("paid", e.organization_id, e.pk, e.paid)
                if e.paid == 0 and e.due > 0:
                    add("unpaid", e.organization_id, e.pk)
    elif report_key == "programmes":
        for i in ProgrammeItem.objects.all():
            if i.cancelled_on or i.numchild or not _in(i.due_on, year):
                continue
            add("due", i.organization_id, i.pk)
            if i.done_on:
                add("done", i.organization_id, i.pk)
            elif i.due_on < today:
                add("late", i.organization_id, i.pk)
    elif report_key == "training":
        for e in Enrolment.objects.select_related("training_class"):
            if _in(e.training_class.ends_on, year):
                add("enrolled", e.training_class.organization_id, e.pk)
                if e.result == "passed":
                    add("passed", e.training_class.organization_id, e.pk)
    elif report_key == "transfers":
        for t in Transfer.objects.all():
            if _in(t.completed_on, year):
                add("out", t.from_org_id, t.pk)
            if _in(t.issued_on, year):
                add("issued", t.from_org_id, t.pk)


# ---------------------------------------------------------------- figures from the rows


def covering_figure(values: dict[str, int], path: str) -> int:
    """An org's target: its own if set, else the sum of the figures of its children."""
    if path in values:
        return values[path]
    below = {p for p in values if p.startswith(path) and p != path}
    tops = {p for p in below if not any(q != p and p.startswith(q) for q in below)}
    return sum(values[p] for p in tops)


def expected_table(report, rows, tree: Tree, prefix: str, on: date):
    """{measure key: {child path | prefix (direct) | 'total': value}}."""
    width = len(prefix) + Organization.steplen
    result = {}
    for measure in report.measures:
        placed = [
            (tree.path_on(org_id, on), value) for org_id, value, _pk in rows.get(measure.key, [])
        ]
        placed = [(path, value) for path, value in placed if path.startswith(prefix)]
        figures = defaultdict(int)
        if measure.covering:
            own = {path: value for path, value in placed}
            for path in {p[:width] for p, _v in placed if len(p) >= width}:
                figures[path] = covering_figure(own, path)
            figures["total"] = covering_figure(own, prefix)
        else:
            for path, value in placed:
                figures[path[:width] if len(path) >= width else prefix] += value
            figures["total"] = sum(value for _p, value in placed)
        result[measure.key] = figures
    return result


def check_report(report, root, year, user):
    on = catalogue.reference_date(year, TODAY)
    tree = Tree()
    prefix = tree.path_on(root.pk, on)
    rows = expected_rows(report.key, year, TODAY)
    expected = expected_table(report, rows, tree, prefix, on)
    table = catalogue.build_table(report, root, year, TODAY, user)
    assert table.total.path == prefix
    children = {r.path for r in table.rows if r.org_id is not None}
    assert children == (tree.children_on(prefix, on, date(year, 1, 1)) if root.numchild else set())
    where = f"{report.key} {root.name} {year}"
    for measure in report.measures:
        figures = expected[measure.key]
        for row in [*table.rows, table.total]:
            want = figures["total"] if row.is_total else figures.get(row.path, 0)
            got = row.values[measure.key]
            assert got == want, f"{where} {measure.key} {row.label}: {got} != {want}"
            if got or not row.is_total:
                direct = row.org_id is None  # the row «Trực thuộc trực tiếp»
                drilled = catalogue.drill_rows(report, measure, row.path, year, TODAY, user, direct)
                if measure.sum_of:
                    listed = sum(getattr(r, measure.sum_of) or 0 for r in drilled)
                else:
                    listed = len(list(drilled))
                assert listed == got, f"{where} {measure.key} {row.label}: drill {listed}"
        if table.rows and not measure.covering:  # the rows add up to the total
            assert sum(r.values[measure.key] for r in table.rows) == figures["total"], where


# ---------------------------------------------------------------- dashboard cards


def check_dashboard(root, year):
    members = list(Member.objects.all())
    placements = defaultdict(list)
    for p in Placement.objects.all():
        placements[p.member_id].append(p)
    orgs = {o.pk: o for o in Organization.objects.select_related("org_type")}
    under = lambda path: path.startswith(root.path)  # noqa: E731
    admitted = sum(
        1
        for m in members
        if _in(m.admitted_on, year)
        and under(orgs[placement_org(m, placements, m.admitted_on, True)].path)
    )
    by_member = {m.pk: m for m in members}
    periods = [
        p
        for p in StatusPeriod.objects.all()
        if p.valid_from.year == year and under(by_member[p.member_id].org_path)
    ]
    changes = dashboard.changes_in_year(root, year)
    assert changes["admitted"] == admitted
    assert changes["official"] == sum(1 for p in periods if p.status == "official")
    assert changes["left_total"] == sum(1 for p in periods if p.status in LEFT_STATUSES)
    active_orgs = [o for o in orgs.values() if o.is_active and under(o.path)]
    assert dict(dashboard.orgs_by_type(root)) == dict(Counter(o.org_type.name for o in active_orgs))
    official = Counter(m.organization_id for m in members if m.status == "official")
    sizes = Counter()
    for o in active_orgs:
        if o.org_type.holds_members:
            n = official[o.pk]
            sizes[next(lb for lb, low, high in dashboard.SIZE_BANDS if low <= n <= high)] += 1
    assert dict(dashboard.cells_by_size(root)) == {lb: sizes[lb] for lb, *_ in dashboard.SIZE_BANDS}
    active = [m for m in members if m.status in ACTIVE_STATUSES and under(m.org_path)]
    composition = dashboard.composition(root, TODAY, codes=("status", "gender"))
    for (_b, rows, total, _source), field in zip(composition, ("status", "gender"), strict=True):
        assert total == len(active)
        assert {v: n for _l, n, v in rows} == dict(Counter(getattr(m, field) for m in active))


# ---------------------------------------------------------------- generated data


@st.composite
def histories(draw):
    return {
        "moved_on": draw(days(date(2024, 6, 1), TODAY)),
        "admitted": draw(st.lists(days(date(2023, 6, 1), TODAY), min_size=3, max_size=7)),
        "transfers": draw(st.lists(days(date(2024, 1, 1), TODAY), max_size=3)),
        "meetings": draw(
            st.lists(
                st.tuples(days(date(2024, 1, 1), date(2026, 12, 31)), st.sampled_from("tkcx")),
                max_size=8,
            )
        ),
        "dues": draw(st.lists(st.tuples(st.integers(0, 35), st.booleans()), max_size=6)),
        "targets": draw(st.lists(st.tuples(st.sampled_from(YEARS), st.integers(1, 9)), max_size=4)),
    }


# A history where every kind of change shows: the move after 2025 (so 2024–2025 reports keep the
# committee under the bloc), admissions before and after a transfer, each meeting grade, dues.
RICH = {
    "moved_on": date(2026, 2, 1),
    "admitted": [date(2024, 3, 1), date(2025, 4, 2), date(2025, 5, 3), date(2026, 3, 4)],
    "transfers": [date(2025, 9, 1), date(2026, 1, 15)],
    "meetings": [
        (date(2025, 1, 10), "t"),
        (date(2025, 2, 10), "k"),
        (date(2025, 3, 10), "c"),
        (date(2025, 4, 10), "x"),
        (date(2024, 5, 10), "x"),
        (date(2026, 6, 10), "t"),
        (date(2026, 7, 10), "t"),
    ],
    "dues": [(14, True), (15, False), (20, True), (25, False), (3, True)],
    "targets": [(2025, 3), (2025, 4), (2025, 2), (2026, 5)],
}

GRADES = {"t": "tot", "k": "kha", "c": "trung_binh", "x": "kem"}


def generate(tree, h):
    cells = [tree["cell_a"], tree["cell_b"], tree["village"]]
    new = []
    for i, day in enumerate(h["admitted"]):
        new.append(
            factories.member(cells[i % 3], f"Người Mới {i}", admitted_on=day, official_on=None)
        )
    for i, day in enumerate(h["transfers"]):
        member = new[i % len(new)]
        target = cells[(i + 1) % 3]
        if day >= member.admitted_on and member.organization_id != target.pk:
            last = member.placements.order_by("-valid_from").first()
            if day > last.valid_from:
                member_services.place_members([member.pk], target, day, summary="chuyển")
    cells_by_index = cells + [tree["committee"]]
    for i, (day, grade) in enumerate(h["meetings"]):
        org = cells_by_index[i % 4]
        status = "cancelled" if grade == "x" and i % 2 else "held"
        Meeting.objects.create(
            organization=org,
            kind="regular",
            planned_on=day,
            status=status,
            grade=GRADES[grade] if status == "held" else "",
        )
    for i, (month, paid) in enumerate(h["dues"]):
        member = new[i % len(new)]
        LedgerEntry.objects.get_or_create(
            member=member,
            month=date(2024 + month // 12, month % 12 + 1, 1),
            defaults={"organization": cells[i % 3], "due": 5000, "paid": 5000 if paid else 0},
        )
    orgs = [tree["province"], tree["bloc"], tree["committee"], tree["cell_a"], tree["commune"]]
    for i, (year, target) in enumerate(h["targets"]):
        AdmissionTarget.objects.get_or_create(
            organization=orgs[i % len(orgs)], year=year, defaults={"target": target}
        )
    org_services.move_org(
        tree["committee"], new_parent=tree["commune"], decision=factories.decision(h["moved_on"])
    )


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(h=histories())
@example(h=RICH)
def test_every_figure_equals_its_rows(tree, admin_user, h):
    with transaction.atomic():
        generate(tree, h)
        roots = [
            Organization.objects.get(pk=tree[k].pk)
            for k in ("province", "bloc", "commune", "committee")
        ]
        for year in YEARS:
            for report in catalogue.REPORTS.values():
                for root in roots:
                    check_report(report, root, year, admin_user)
            for root in roots:
                check_dashboard(root, year)
        transaction.set_rollback(True)
