"""The figures oracle (issue #23): every figure of the module reports, dashboard cards and the
data-quality worklist, recomputed independently in plain Python over the rows
(`Model.objects.all()` iterated, no ORM aggregation, no production query code), on generated
data (hypothesis) with back-dated admissions, moves between cells and a reorganisation (the
grassroots committee, with its two cells, moves from the bloc to the commune) at a random date.

Rows of every report are generated at random dates across 2024–2026, on both sides of the move,
in the moved cells and elsewhere — through the apps' services where they exist:
- admissions: targets set on orgs at several levels (covering), files opened, taken to the
  course (a certificate whose 60 months may have run out: overdue) or closed
  (`admissions.services`);
- meetings held (each grade) or cancelled, dues ledger rows paid or not (ORM rows);
- member reviews (each final grade, each reason not to classify) and org reviews (each grade)
  of the years, as past results (`reviews.services.record_past_results`,
  `record_past_org_results`), placed by the member's cell when recorded;
- inspections planned, in progress, concluded or cancelled (`inspections.services`);
- badges proposed, awarded or rejected on award days for veterans who changed cell
  (`recognition.services.propose` / `decide`: refused proposals are skipped);
- programme items due in the year: open (late once past due), done, cancelled, and cascaded
  parents whose children are the leaves counted (`programmes.services`);
- training classes (possibly spanning a year end) with members and candidates, enrolled,
  passed, failed or pending (`training.services`);
- transfers: official issued / cancelled / received, temporary attendance accepted and ended,
  out of the system (`transfers.services`; refused ones are skipped);
- data problems as imported registers carry them (ORM): a missing ID number, an official date
  before admission, admitted just under or just at 18, no open placement, clean records.

Checked for the province, the bloc, the commune and the moved committee, years 2024–2026:
- every report of `catalogue.REPORTS`: every measure, every child row (the children as the
  tree stood on the reference date), the direct row and the total; each figure equals the number
  (or the sum) of the rows its drill-down lists; on the fixed rich history every measure of
  every report is non-zero somewhere (none is checked only as 0 = 0);
- dashboard cards (`reports/dashboard.py`): changes in the year (admitted, official, left),
  orgs by type, cells by size, composition by status and gender;
- the data-quality worklist (`dashboard.quality_problems`): members counted, each problem's
  count and sample, the cells under the minimum, and the score — whatever the list limit.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dangbo.admissions import services as admission_services
from dangbo.admissions.models import AdmissionFile, AdmissionTarget
from dangbo.core.errors import DomainError
from dangbo.dues.models import LedgerEntry
from dangbo.inspections import services as inspection_services
from dangbo.inspections.models import Inspection
from dangbo.meetings.models import Meeting
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES, LEFT_STATUSES
from dangbo.members.models import Member, Placement, StatusPeriod
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization, OrgPeriod
from dangbo.programmes import services as programme_services
from dangbo.programmes.models import ProgrammeItem
from dangbo.recognition import services as recognition_services
from dangbo.recognition.models import BadgeAward
from dangbo.reports import catalogue, dashboard
from dangbo.reviews.models import Grade as ReviewGrade
from dangbo.reviews.models import MemberReview, OrgReview
from dangbo.reviews.services import (
    PastOrgResult,
    PastResult,
    record_past_org_results,
    record_past_results,
)
from dangbo.training import services as training_services
from dangbo.training.models import Enrolment
from dangbo.transfers import services as transfer_services
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
        # Out: transfers of the membership that were completed — within the system (received
        # by the new cell) or out of it; a temporary attendance ending is no transfer out.
        # Issued: every introduction paper the sending org issued (temporary ones too).
        for t in Transfer.objects.all():
            if t.from_org_id is None:
                continue
            if (
                t.kind in ("official", "out")
                and t.state == "completed"
                and _in(t.completed_on, year)
            ):
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
    return {(report.key, m.key) for m in report.measures if table.total.values[m.key]}


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


# ---------------------------------------------------------------- the data-quality worklist


def under_18(birth: date, admitted: date) -> bool:
    """Admitted before the 18th birthday (age in whole years on the decision day)."""
    return (
        admitted.year - birth.year - ((admitted.month, admitted.day) < (birth.month, birth.day))
        < 18
    )


QUALITY_CHECKS = {
    "Thiếu số định danh cá nhân": lambda m, open_: not m.id_number,
    "Thiếu quê quán": lambda m, open_: not m.place_of_origin,
    "Thiếu trình độ giáo dục phổ thông": lambda m, open_: not m.education,
    "Ngày chính thức trước ngày vào Đảng": lambda m, open_: bool(
        m.official_on and m.admitted_on and m.official_on < m.admitted_on
    ),
    "Vào Đảng trước 18 tuổi": lambda m, open_: bool(
        m.birth_date and m.admitted_on and under_18(m.birth_date, m.admitted_on)
    ),
    "Không có nơi sinh hoạt hiện tại": lambda m, open_: m.pk not in open_,
}
MIN_OFFICIAL = 3  # docs/domain.md: minimum official members (no other value in force here)


def check_quality(root, limits=(200, 1)):
    members = [
        m
        for m in Member.objects.all()
        if m.status in ACTIVE_STATUSES and m.org_path.startswith(root.path)
    ]
    open_ = {p.member_id for p in Placement.objects.all() if p.valid_to is None}
    flagged = {
        label: {m.pk for m in members if test(m, open_)} for label, test in QUALITY_CHECKS.items()
    }
    anyflag = set().union(*flagged.values())
    official = Counter(m.organization_id for m in Member.objects.all() if m.status == "official")
    small = {
        o.pk: o.path
        for o in Organization.objects.select_related("org_type")
        if o.is_active
        and o.org_type.holds_members
        and o.path.startswith(root.path)
        and official[o.pk] < MIN_OFFICIAL
    }
    score = 100.0 if not members else round(100 * (1 - len(anyflag) / len(members)), 1)
    for limit in limits:  # what is listed is cut at the limit, never what is counted
        quality = dashboard.quality_problems(root, TODAY, limit=limit)
        where = f"quality {root.name} limit {limit}"
        assert quality["total"] == len(members), where
        assert [label for label, _n, _rows in quality["problems"]] == list(QUALITY_CHECKS), where
        for label, n, sample in quality["problems"]:
            assert n == len(flagged[label]), f"{where} {label}: {n} != {len(flagged[label])}"
            assert {m.pk for m in sample} <= flagged[label], f"{where} {label}"
            assert len(sample) == min(n, 20), f"{where} {label}"
        assert quality["minimum"] == MIN_OFFICIAL
        assert [o.path for o in quality["small_orgs"]] == sorted(small.values())[:limit], where
        assert quality["score"] == score, f"{where} score {quality['score']} != {score}"


# ---------------------------------------------------------------- generated data

AWARD_DAYS = [date(y, m, d) for y in YEARS for m, d in ((2, 3), (5, 19), (9, 2), (11, 7))]
MEMBER_RESULTS = ("xs", "tot", "ht", "kht", "excused", "suspended", "recent")
QUALITY_FLAWS = ("no_id", "clean", "official_first", "young", "unplaced")


def anyday(start=date(2024, 1, 1), end=date(2026, 12, 31)):
    return days(start, end)


@st.composite
def histories(draw):
    idx = st.integers(0, 30)
    return {
        "moved_on": draw(days(date(2024, 6, 1), TODAY)),
        "admitted": draw(st.lists(days(date(2023, 6, 1), TODAY), min_size=3, max_size=7)),
        "transfers": draw(st.lists(days(date(2024, 1, 1), TODAY), max_size=3)),
        "meetings": draw(
            st.lists(st.tuples(anyday(), st.sampled_from("tkcx")), max_size=8),
        ),
        "dues": draw(st.lists(st.tuples(st.integers(0, 35), st.booleans()), max_size=6)),
        "targets": draw(st.lists(st.tuples(st.sampled_from(YEARS), st.integers(1, 9)), max_size=4)),
        "files": draw(
            st.lists(
                st.tuples(days(date(2020, 6, 1), TODAY), idx, st.sampled_from("icx")), max_size=4
            )
        ),
        "veterans": draw(
            st.lists(
                st.tuples(days(date(1984, 1, 1), date(1996, 6, 30)), days(date(2024, 1, 1), TODAY)),
                min_size=1,
                max_size=3,
            )
        ),
        "badges": draw(
            st.lists(
                st.tuples(st.sampled_from(AWARD_DAYS), idx, st.sampled_from("par")), max_size=5
            )
        ),
        "reviews": draw(
            st.lists(
                st.tuples(st.sampled_from(YEARS), idx, st.sampled_from(MEMBER_RESULTS)), max_size=8
            )
        ),
        "org_reviews": draw(
            st.lists(
                st.tuples(st.sampled_from(YEARS), idx, st.sampled_from(MEMBER_RESULTS[:4])),
                max_size=5,
            )
        ),
        "inspections": draw(
            st.lists(st.tuples(anyday(), idx, st.sampled_from("picx")), max_size=6)
        ),
        "items": draw(
            st.lists(
                st.tuples(anyday(), idx, st.sampled_from("odxc"), days(date(2024, 1, 1), TODAY)),
                max_size=6,
            )
        ),
        "classes": draw(
            st.lists(
                st.tuples(
                    days(date(2023, 9, 1), date(2026, 12, 31)),
                    st.integers(0, 200),
                    idx,
                    st.lists(st.sampled_from("pf-"), min_size=1, max_size=3),
                ),
                max_size=4,
            )
        ),
        "papers": draw(
            st.lists(
                st.tuples(days(date(2024, 1, 1), TODAY), idx, st.sampled_from("ocxtu")),
                max_size=5,
            )
        ),
        "quality": draw(
            st.lists(st.tuples(idx, st.sampled_from(QUALITY_FLAWS), st.integers(-2, 2)), max_size=5)
        ),
    }


# A history where every kind of change shows: the move after 2025 (so 2024–2025 reports keep the
# committee under the bloc), admissions before and after a transfer, each meeting grade, dues,
# and rows of every other report on both sides of the move, in the moved cells and elsewhere.
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
    "files": [
        (date(2021, 3, 1), 0, "c"),  # its certificate expired in 2026: overdue
        (date(2023, 5, 1), 1, "c"),
        (date(2025, 7, 1), 2, "i"),
        (date(2024, 2, 1), 3, "x"),
    ],
    "veterans": [
        (date(1994, 6, 1), date(2025, 3, 1)),
        (date(1985, 2, 1), date(2026, 3, 1)),
        (date(1995, 9, 1), date(2024, 8, 1)),
    ],
    "badges": [
        (date(2024, 9, 2), 0, "a"),
        (date(2025, 5, 19), 1, "r"),
        (date(2026, 2, 3), 1, "p"),
        (date(2025, 9, 2), 2, "a"),
        (date(2026, 11, 7), 0, "p"),
    ],
    "reviews": [
        (2024, 0, "xs"),
        (2024, 1, "tot"),
        (2025, 0, "ht"),
        (2025, 3, "kht"),
        (2025, 4, "excused"),
        (2026, 1, "recent"),
        (2026, 2, "tot"),
        (2026, 4, "xs"),
    ],
    "org_reviews": [
        (2024, 0, "xs"),
        (2025, 1, "tot"),
        (2025, 2, "ht"),
        (2026, 3, "xs"),
        (2026, 0, "kht"),
    ],
    "inspections": [
        (date(2024, 3, 1), 0, "c"),
        (date(2025, 5, 1), 1, "i"),
        (date(2025, 8, 1), 2, "x"),
        (date(2026, 3, 1), 3, "p"),
        (date(2026, 9, 1), 4, "p"),
    ],
    "items": [
        (date(2025, 6, 30), 0, "d", date(2025, 6, 1)),
        (date(2025, 12, 31), 1, "o", date(2025, 1, 1)),
        (date(2026, 3, 31), 2, "c", date(2026, 3, 1)),
        (date(2026, 5, 31), 3, "x", date(2026, 2, 1)),
        (date(2026, 10, 31), 4, "d", date(2026, 6, 1)),
        (date(2024, 4, 30), 5, "o", date(2024, 1, 1)),
    ],
    "classes": [
        (date(2024, 11, 1), 90, 0, ["p", "f"]),
        (date(2025, 3, 1), 30, 3, ["p", "p", "-"]),
        (date(2026, 4, 1), 30, 4, ["p"]),
        (date(2026, 11, 1), 20, 1, ["-"]),
    ],
    "papers": [
        (date(2025, 6, 1), 0, "c"),
        (date(2025, 12, 20), 1, "t"),
        (date(2026, 2, 10), 3, "o"),
        (date(2026, 3, 10), 4, "x"),
        (date(2026, 4, 10), 5, "u"),
    ],
    "quality": [
        (0, "no_id", 0),
        (1, "clean", 0),
        (2, "young", -1),
        (3, "official_first", 0),
        (6, "young", 1),  # admitted 02/04/2025, the day before the 18th birthday
        (7, "young", 0),  # admitted on the 18th birthday
        (9, "unplaced", 0),
        (8, "clean", 0),
    ],
}

GRADES = {"t": "tot", "k": "kha", "c": "trung_binh", "x": "kem"}
REVIEW_GRADES = {
    "xs": ReviewGrade.EXCELLENT,
    "tot": ReviewGrade.GOOD,
    "ht": ReviewGrade.COMPLETED,
    "kht": ReviewGrade.NOT_COMPLETED,
}


def _pick(items, i):
    return items[i % len(items)]


def _tolerant(action, *args, **kwargs):
    """A service call the generated history may not allow (a member already gone, a date before
    the member's current cell…): refused, it changes nothing — the history goes on without it."""
    try:
        return action(*args, **kwargs)
    except DomainError:
        return None


def _members():
    return list(Member.objects.order_by("pk"))


def generate(tree, h, user):
    cells = [tree["cell_a"], tree["cell_b"], tree["village"]]
    orgs = [
        tree["cell_a"],
        tree["committee"],
        tree["village"],
        tree["cell_b"],
        tree["commune"],
        tree["bloc"],
        tree["province"],
    ]
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
    veterans = []
    for i, (admitted, moved) in enumerate(h["veterans"]):
        veteran = factories.member(
            cells[i % 3],
            f"Cựu Binh {i}",
            birth_date=date(1960, 1, 1),
            admitted_on=admitted,
            official_on=admitted.replace(year=admitted.year + 1),
        )
        # A veteran changes cell: the badge goes by the cell on the award day.
        member_services.place_members([veteran.pk], cells[(i + 1) % 3], moved, summary="chuyển")
        veterans.append(veteran)
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
    target_orgs = [
        tree["province"],
        tree["bloc"],
        tree["committee"],
        tree["cell_a"],
        tree["commune"],
    ]
    for i, (year, target) in enumerate(h["targets"]):
        admission_services.set_target(
            organization=_pick(target_orgs, i), year=year, target=target, user=user
        )
    _files(h["files"], cells, user)
    _badges(h["badges"], veterans, user)
    _reviews(tree, h["reviews"], h["org_reviews"], user)
    _inspections(tree, h["inspections"], orgs, user)
    _programme_items(tree, h["items"], orgs, user)
    _classes(h["classes"], orgs, user)
    _papers(h["papers"], cells, user)
    _flaws(h["quality"])
    org_services.move_org(
        tree["committee"], new_parent=tree["commune"], decision=factories.decision(h["moved_on"])
    )


def _files(plan, cells, user):
    for n, (day, i, action) in enumerate(plan):
        file = admission_services.open_file(
            organization=_pick(cells, i),
            identified_on=day,
            user=user,
            full_name=f"Quần Chúng {n}",
            birth_date=date(2000, 1, 1),
            id_number=f"{980000000000 + n:012d}",
        )
        if action == "c":  # the course on the day: the certificate runs 60 months from it
            admission_services.record_step(
                file,
                "course",
                on=day,
                user=user,
                certificate_number=f"{n}/GCN",
                exception="Giấy chứng nhận bản giấy",
            )
        elif action == "x":
            admission_services.record_step(file, "closed", on=day, user=user, note="Chuyển đi")


def _badges(plan, veterans, user):
    allowed = Member.objects.all()
    for day, i, outcome in sorted(plan, key=lambda row: row[0]):
        proposed = _tolerant(
            recognition_services.propose, [_pick(veterans, i).pk], day, allowed=allowed, user=user
        )
        if proposed and outcome != "p":
            recognition_services.decide(
                [proposed[0].pk],
                approve=outcome == "a",
                decision_number="12-QĐ/TU",
                decided_on=min(day, TODAY),
                allowed=BadgeAward.objects.all(),
                user=user,
            )


def _reviews(tree, plan, org_plan, user):
    members = _members()
    results, seen = [], set()
    for year, i, result in plan:
        member = _pick(members, i)
        if (member.pk, year) in seen or member.admitted_on.year > year:
            continue
        seen.add((member.pk, year))
        grade = REVIEW_GRADES.get(result, "")
        results.append(PastResult(member.pk, year, grade=grade, exemption="" if grade else result))
    if results:
        record_past_results(
            root=tree["province"], results=results, note="Sổ lưu năm cũ", user=user, today=TODAY
        )
    classified = [tree["cell_a"], tree["village"], tree["committee"], tree["cell_b"]]
    org_results, seen = [], set()
    for year, i, result in org_plan:
        org = _pick(classified, i)
        if (org.pk, year) not in seen:
            seen.add((org.pk, year))
            org_results.append(PastOrgResult(org.pk, year, grade=REVIEW_GRADES[result]))
    if org_results:
        record_past_org_results(
            root=tree["province"], results=org_results, note="Sổ lưu", user=user, today=TODAY
        )


def _inspections(tree, plan, orgs, user):
    programmes = {}
    for day, i, status in plan:
        if day.year not in programmes:
            programmes[day.year] = inspection_services.create_programme(
                organization=tree["province"],
                body="inspection_committee",
                year=day.year,
                title=f"Chương trình kiểm tra năm {day.year}",
                approved_on=date(day.year, 1, 1),
                user=user,
            )
        plan_ = inspection_services.Plan(
            kind="inspection",
            mode="regular",
            content="Kiểm tra việc chấp hành",
            planned_quarter=(day.month - 1) // 3 + 1,
            planned_start=day,
            planned_end=day,
        )
        inspection = inspection_services.plan_inspection(
            programmes[day.year], plan_, target_org=_pick(orgs, i), user=user
        )
        started = min(day, TODAY)
        if status == "x":
            inspection_services.cancel_inspection(inspection, reason="Đổi kế hoạch", user=user)
        elif status in "ic":
            inspection = inspection_services.start_inspection(
                inspection,
                decision_number="05-QĐ/UBKT",
                decision_date=started,
                started_on=started,
                team="Tổ kiểm tra",
                user=user,
            )
            if status == "c":
                inspection_services.conclude_inspection(
                    inspection,
                    concluded_on=started,
                    violations_found=False,
                    conclusion="Chấp hành tốt",
                    user=user,
                )


def _programme_items(tree, plan, orgs, user):
    if not plan:
        return
    programme = programme_services.create_programme(
        organization=tree["province"],
        kind="term",
        title="Chương trình công tác toàn khóa",
        starts_on=date(2024, 1, 1),
        ends_on=date(2026, 12, 31),
        user=user,
    )
    for n, (due, i, state, done) in enumerate(plan):
        org = _pick(orgs, i)
        item = programme_services.add_item(
            programme=programme,
            organization=org,
            title=f"Nội dung {n}",
            expected_result="Hoàn thành",
            due_on=due,
            user=user,
        )
        if state == "c":  # cascaded: the parent rolls up, its children are the leaves counted
            below = [o for o in orgs if o.path.startswith(org.path) and o.path != org.path]
            if below:
                children = programme_services.cascade_item(item, organizations=below[:2], user=user)
                programme_services.report_item_progress(
                    children[0],
                    percent=100,
                    status="done",
                    reported_on=done,
                    evidence="Biên bản",
                    user=user,
                )
        elif state == "d":
            programme_services.report_item_progress(
                item, percent=100, status="done", reported_on=done, evidence="Báo cáo", user=user
            )
        elif state == "x":
            programme_services.cancel_item(item, reason="Không còn phù hợp", on=done, user=user)


def _classes(plan, orgs, user):
    members = _members()
    for n, (starts, length, i, results) in enumerate(plan):
        ends = starts + timedelta(days=length)
        training_class = training_services.open_class(
            organization=_pick(orgs, i),
            kind="refresher",
            name=f"Lớp bồi dưỡng {n}",
            starts_on=starts,
            ends_on=ends,
        )
        enrolled = []
        for k, _result in enumerate(results):
            if k == 2:  # a candidate, not a member
                enrolled.append(
                    training_services.enrol_person(
                        training_class,
                        full_name="Quần Chúng Ưu Tú",
                        id_number=f"{990000000000 + n:012d}",
                        birth_date=date(2000, 1, 1),
                    )
                )
            else:
                enrolled.append(
                    training_services.enrol_member(training_class, _pick(members, i + n + k))
                )
        if ends <= TODAY:
            outcome = {"p": "passed", "f": "failed", "-": "pending"}
            training_services.record_results(
                training_class,
                {e.pk: (outcome[r], None) for e, r in zip(enrolled, results, strict=True)},
                issued_on=TODAY,
                user=user,
            )


def _papers(plan, cells, user):
    members = _members()
    for n, (day, i, kind) in enumerate(sorted(plan, key=lambda row: row[0])):
        member = _pick(members, i)
        member.refresh_from_db()
        target = _pick([c for c in cells if c.pk != member.organization_id], n)
        paper = f"{n + 1:02d}-GGT"
        if kind == "u":
            _tolerant(
                transfer_services.transfer_out,
                member,
                destination="Đảng bộ Quân khu",
                on=day,
                paper_number=paper,
                user=user,
            )
        elif kind == "t":
            temporary = _tolerant(
                transfer_services.start_temporary,
                member,
                host_org=target,
                starts_on=day,
                ends_on=day + timedelta(days=120),
                paper_number=paper,
                user=user,
            )
            if temporary:
                transfer_services.accept_temporary(temporary, on=day, user=user)
                end = min(day + timedelta(days=100), TODAY)
                transfer_services.end_temporary(temporary, on=end, user=user)
        else:
            issued = _tolerant(
                transfer_services.issue,
                member,
                to_org=target,
                on=day,
                paper_number=paper,
                user=user,
            )
            if issued and kind == "x":
                transfer_services.cancel(issued, on=day, note="Không đi nữa", user=user)
            elif issued and kind == "c":
                transfer_services.present(issued, on=day, user=user)
                transfer_services.receive(issued, on=day, user=user)


def _flaws(plan):
    """Data problems of the kind imported registers carry (written past the services' checks)."""
    members = _members()
    for i, flaw, offset in plan:
        member = _pick(members, i)
        rows = Member.objects.filter(pk=member.pk)
        if flaw == "no_id":
            rows.update(id_number=None)
        elif flaw == "clean":
            rows.update(place_of_origin="Hà Nam", education="12/12")
        elif flaw == "official_first" and member.admitted_on:
            rows.update(official_on=member.admitted_on - timedelta(days=1))
        elif flaw == "young" and member.admitted_on:
            # born 18 years (give or take a day or two) before the admission decision
            birth = member.admitted_on.replace(year=member.admitted_on.year - 18, day=1)
            rows.update(birth_date=birth + timedelta(days=offset + member.admitted_on.day - 1))
        elif flaw == "unplaced":
            Placement.objects.filter(member=member, valid_to__isnull=True).update(
                valid_to=member.admitted_on
            )


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(h=histories())
@example(h=RICH)
def test_every_figure_equals_its_rows(tree, admin_user, h):
    with transaction.atomic():
        generate(tree, h, admin_user)
        roots = [
            Organization.objects.get(pk=tree[k].pk)
            for k in ("province", "bloc", "commune", "committee")
        ]
        shown = set()
        for year in YEARS:
            for report in catalogue.REPORTS.values():
                for root in roots:
                    shown |= check_report(report, root, year, admin_user)
            for root in roots:
                check_dashboard(root, year)
        for root in roots:
            check_quality(root)
        if h == RICH:  # no measure is checked only as 0 = 0
            every = {(r.key, m.key) for r in catalogue.REPORTS.values() for m in r.measures}
            assert every - shown == set()
        transaction.set_rollback(True)
