"""The catalogue of module reports: each a named table of measures for a year, for a subtree,
broken down by the root's direct children; every number drills down to the rows behind it.

A measure is one aggregate (a count or a sum) over one model's rows of the year, filtered by
an org path prefix and grouped by the child prefix of that path — one GROUP BY query per
measure, no per-org loop. Records are placed by the org they belong to (the cell that held the
meeting, the org whose target it is) at that org's path on the report's reference date (31/12
of the year, or today for the current year) — its `OrgPeriod` then, in valid time, like the
member reports: a report for a past year shows the tree as it stood, whatever reorganisations
came later (issue #23). An org without any period keeps its current path.
Ratios are computed from two measures of the same row (shown as %).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Substr

from dangbo.admissions.models import AdmissionFile, AdmissionTarget
from dangbo.admissions.rules import Stage
from dangbo.core.permissions import restrict
from dangbo.dues.models import LedgerEntry
from dangbo.inspections.models import Inspection, InspectionStatus
from dangbo.meetings.models import Grade as MeetingGrade
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.members import queries as member_queries
from dangbo.members.models import Member, Placement
from dangbo.organizations import rules as org_rules
from dangbo.organizations.models import Organization
from dangbo.programmes.models import ProgrammeItem
from dangbo.recognition.models import BadgeAward
from dangbo.reports.tree_on import (
    children_on,
    org_path_on,
    org_path_subquery,
    orgs_maybe_under,
    reference_date,
    root_path,
)
from dangbo.reviews.models import Grade as ReviewGrade
from dangbo.reviews.models import MemberReview, OrgReview
from dangbo.training.models import Enrolment
from dangbo.transfers.models import Transfer
from dangbo.transfers.rules import Kind as TransferKind
from dangbo.transfers.rules import State as TransferState

OPEN_ADMISSION_STAGES = [
    Stage.IDENTIFIED,
    Stage.COURSE,
    Stage.APPLICATION,
    Stage.INTRODUCED,
    Stage.VERIFIED,
    Stage.CELL_VOTED,
    Stage.COMMITTEE_VOTED,
    Stage.RECEIVED,
]

# The annotation every measure places its rows by: the org's path on the reference date.
REF_PATH = "ref_path"


@dataclass(frozen=True)
class Measure:
    """One column: an aggregate over `model` rows of the year under an org path prefix."""

    key: str
    label: str
    model: type
    path: str  # lookup of the org path the row belongs to
    where: Callable[[int, date], Q]  # (year, today) -> the rows counted
    sum_of: str | None = None  # None: count rows
    columns: tuple[tuple[str, str], ...] = ()  # drill-down: (label, lookup)
    order_by: tuple[str, ...] = ("pk",)
    # The rows of the year when they come from a shared selector rather than `model.objects`
    # (their `path` may then be an annotation of it); `where` still narrows them.
    source: Callable[[int, date], QuerySet] | None = None
    # A second permission the drill-down needs on the report's org (the rows are its names).
    rows_permission: str = ""
    # Each row covers its org's whole subtree (a target): an org's figure is its own row, else
    # the topmost rows below it (organizations.rules.covering) — never a row and its children's.
    covering: bool = False
    # Lookup of the id of the org the row belongs to (default: `path` with `__path` → `_id`);
    # the row is placed by that org's path on the reference date (`REF_PATH`).
    org: str = ""

    def org_ref(self) -> str:
        return self.org or self.path.removesuffix("__path") + "_id"

    def rows(self, year: int, today: date, path_prefix: str) -> QuerySet:
        """The rows counted under `path_prefix` (a path as of the reference date)."""
        base = self.source(year, today) if self.source else self.model.objects.all()
        on = reference_date(year, today)
        base = base.filter(self.where(year, today), orgs_maybe_under(self.org_ref(), path_prefix))
        base = base.annotate(**{REF_PATH: org_path_subquery(self.org_ref(), on)})
        return base.filter(**{f"{REF_PATH}__startswith": path_prefix})

    def restricted(self, year, today, path_prefix, user, permission) -> QuerySet:
        """`rows` within the user's reach: the org's path now or on the reference date."""
        return restrict(
            self.rows(year, today, path_prefix), user, permission, (self.path, REF_PATH)
        )

    def aggregate(self):
        return Sum(self.sum_of) if self.sum_of else Count("pk")


@dataclass(frozen=True)
class Ratio:
    key: str
    label: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class ModuleReport:
    key: str
    title: str
    permission: str
    measures: tuple[Measure, ...]
    ratios: tuple[Ratio, ...] = ()
    note: str = ""

    def measure(self, key: str) -> Measure | None:
        return next((m for m in self.measures if m.key == key), None)


@dataclass
class ModuleRow:
    label: str
    path: str
    org_id: int | None
    values: dict[str, int]
    ratios: dict[str, float | None]
    is_total: bool = False


@dataclass
class ModuleTable:
    report: ModuleReport
    root: Organization
    year: int
    rows: list[ModuleRow]
    total: ModuleRow
    on: date | None = None  # the reference date: the tree as it stood that day


def _ratio(values: dict[str, int], ratio: Ratio) -> float | None:
    denominator = values.get(ratio.denominator) or 0
    if not denominator:
        return None
    return round(100 * (values.get(ratio.numerator) or 0) / denominator, 1)


def grouped(
    measure: Measure, root: Organization, year: int, today: date, user, permission: str
) -> dict[str, int]:
    """{child path (or the root's own path for its direct records): value} in one query, the
    paths as they stood on the reference date."""
    prefix = root_path(root, year, today)
    width = len(prefix) + Organization.steplen
    qs = measure.restricted(year, today, prefix, user, permission)
    if measure.covering:
        return _covering_groups(measure, qs, prefix, width)
    rows = (
        qs.annotate(child=Substr(REF_PATH, 1, width))
        .values("child")
        .annotate(value=measure.aggregate())
        .order_by()
    )
    return {row["child"]: row["value"] or 0 for row in rows}


def _covering_rows(measure: Measure, qs: QuerySet, path: str) -> dict[str, tuple[int, int]]:
    """{org path: (pk, value)} of the rows that make up the figure of the org at `path`."""
    rows = {p: (pk, v or 0) for pk, p, v in qs.values_list("pk", REF_PATH, measure.sum_of)}
    chosen = org_rules.covering({p: v for p, (_pk, v) in rows.items()}, path)
    return {p: rows[p] for p in chosen}


def _covering_groups(measure: Measure, qs: QuerySet, prefix: str, width: int):
    """Like `grouped` for a covering measure: each child's figure, and the root's under its
    own path (the total, not a 'direct' row)."""
    rows = {p: v or 0 for p, v in qs.values_list(REF_PATH, measure.sum_of)}
    children = {p[:width] for p in rows if len(p) >= width}
    values = {child: sum(org_rules.covering(rows, child).values()) for child in children}
    values[prefix] = sum(org_rules.covering(rows, prefix).values())
    return values


def build_table(
    report: ModuleReport, root: Organization, year: int, today: date, user, by_child: bool = True
) -> ModuleTable:
    """The report for `root` and `year`, broken down by the root's children — the tree as it
    stood on the reference date (`reference_date`)."""
    on = reference_date(year, today)
    prefix = org_path_on(root, on)
    per_measure = {
        m.key: grouped(m, root, year, today, user, report.permission) for m in report.measures
    }
    children = children_on(root, on, date(year, 1, 1)) if by_child and root.numchild else []
    rows = []
    for path, name, pk in children:
        values = {key: counts.get(path, 0) for key, counts in per_measure.items()}
        rows.append(_row(report, name, path, pk, values))
    covering = {m.key for m in report.measures if m.covering}
    own = {
        key: 0 if key in covering else counts.get(prefix, 0) for key, counts in per_measure.items()
    }
    if children and any(own.values()):
        rows.append(_row(report, f"Trực thuộc trực tiếp {root.name}", prefix, None, own))
    totals = {
        key: counts.get(prefix, 0) if key in covering else sum(counts.values())
        for key, counts in per_measure.items()
    }
    total = _row(report, "Tổng cộng", prefix, root.pk, totals)
    total.is_total = True
    return ModuleTable(report=report, root=root, year=year, rows=rows, total=total, on=on)


def _row(report, label, path, org_id, values) -> ModuleRow:
    ratios = {r.key: _ratio(values, r) for r in report.ratios}
    return ModuleRow(label=label, path=path, org_id=org_id, values=values, ratios=ratios)


def drill_rows(
    report: ModuleReport,
    measure: Measure,
    path: str,
    year: int,
    today: date,
    user,
    direct: bool = False,
) -> QuerySet:
    """The rows behind one number (`path` a child's prefix or the root's own path, as of the
    reference date: the paths of `build_table`'s rows). `direct`: the root's own records only
    (the row «Trực thuộc trực tiếp», not the total)."""
    qs = measure.restricted(year, today, path, user, report.permission)
    if direct:
        return (
            qs.none()
            if measure.covering
            else qs.filter(**{REF_PATH: path}).order_by(*measure.order_by)
        )
    if measure.covering:
        qs = qs.filter(pk__in=[pk for pk, _v in _covering_rows(measure, qs, path).values()])
    return qs.order_by(*measure.order_by)


# ---------------------------------------------------------------- the reports


def _year(lookup: str) -> Callable[[int, date], Q]:
    return lambda year, today: Q(**{f"{lookup}__year": year})


def _and(base: Callable[[int, date], Q], extra: Q) -> Callable[[int, date], Q]:
    return lambda year, today: base(year, today) & extra


def _admitted_in_year(year: int, today: date) -> QuerySet:
    """Members admitted in the year (members.queries.admitted_between, the one definition)."""
    return member_queries.admitted_in_year(None, year, names=True)


AWARD_ORG = "award_org_id"


def _transfers_with_destination(year: int, today: date) -> QuerySet:
    """Transfers with where the member went: an org of the register, or the name typed for a
    destination outside it (the drill-down's «Đến» was blank for those)."""
    return Transfer.objects.annotate(
        destination=Coalesce(F("to_org__name"), F("external_org"), output_field=CharField())
    )


def _badges_with_org(year: int, today: date) -> QuerySet:
    """Badge awards with the org the member belonged to on the award day (placement in valid
    time; the member's current org when the register's history does not reach back)."""
    day = OuterRef("award_date")
    then = (
        Placement.objects.filter(member_id=OuterRef("member_id"), valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from", "-id")
        .values("organization_id")[:1]
    )
    org = Coalesce(Subquery(then), F("member__organization_id"), output_field=BigIntegerField())
    return BadgeAward.objects.annotate(**{AWARD_ORG: org})


_MEETING_COLUMNS = (
    ("Chi bộ", "organization__name"),
    ("Ngày", "planned_on"),
    ("Loại", "kind"),
    ("Xếp loại", "grade"),
)
_held = _and(_year("planned_on"), Q(status=MeetingStatus.HELD))

_REVIEW_COLUMNS = (
    ("Đảng viên", "member__full_name"),
    ("Tổ chức", "organization__name"),
    ("Kết quả", "final_grade"),
    ("Lý do không xếp loại", "exemption"),
)


def _year_of_review(year: int, today: date) -> Q:
    return Q(review_year__year=year)


_ORG_REVIEW_COLUMNS = (("Tổ chức", "organization__name"), ("Kết quả", "final_grade"))


def _grade_measures(model, columns) -> tuple[Measure, ...]:
    """Classified, each final grade, and 'good or better' of a review model for the year."""

    def graded(extra: Q) -> Callable[[int, date], Q]:
        return _and(_year_of_review, extra)

    return (
        Measure(
            "reviewed",
            "Đã xếp loại",
            model,
            "organization__path",
            graded(~Q(final_grade="")),
            columns=columns,
        ),
        *(
            Measure(
                f"grade_{grade.value}",
                grade.label,
                model,
                "organization__path",
                graded(Q(final_grade=grade.value)),
                columns=columns,
            )
            for grade in ReviewGrade
        ),
        Measure(
            "good_or_better",
            "Hoàn thành tốt nhiệm vụ trở lên",
            model,
            "organization__path",
            graded(Q(final_grade__in=[ReviewGrade.EXCELLENT, ReviewGrade.GOOD])),
            columns=columns,
        ),
    )


_GRADE_RATIOS = (
    Ratio("excellent", "% xuất sắc", f"grade_{ReviewGrade.EXCELLENT.value}", "reviewed"),
    Ratio("good_or_better", "% tốt trở lên", "good_or_better", "reviewed"),
)


# A transfer of the membership completed in the year: received by the new cell, or out of the
# system; a temporary attendance (also given a completion day when it ends) is not one (#23).
_transferred_out = _and(
    _year("completed_on"),
    Q(kind__in=[TransferKind.OFFICIAL, TransferKind.OUT], state=TransferState.COMPLETED),
)

_ITEM_COLUMNS = (
    ("Nội dung", "title"),
    ("Tổ chức", "organization__name"),
    ("Thời hạn", "due_on"),
    ("Tiến độ (%)", "progress"),
    ("Ngày hoàn thành", "done_on"),
)

REPORTS: dict[str, ModuleReport] = {
    r.key: r
    for r in [
        ModuleReport(
            key="admissions",
            title="Kết nạp đảng viên so với chỉ tiêu",
            permission="admissions.view",
            measures=(
                Measure(
                    "target",
                    "Chỉ tiêu",
                    AdmissionTarget,
                    "organization__path",
                    lambda year, today: Q(year=year),
                    sum_of="target",
                    columns=(("Tổ chức", "organization__name"), ("Chỉ tiêu", "target")),
                    covering=True,
                ),
                Measure(
                    "admitted",
                    "Đã kết nạp",
                    Member,
                    member_queries.ADMISSION_PATH,
                    lambda year, today: Q(),
                    columns=(
                        ("Họ và tên", "full_name"),
                        ("Tổ chức kết nạp", member_queries.ADMISSION_ORG_NAME),
                        ("Ngày vào Đảng", "admitted_on"),
                    ),
                    order_by=("admitted_on", "name_search", "pk"),
                    source=_admitted_in_year,
                    rows_permission="members.view",
                    org=member_queries.ADMISSION_ORG,
                ),
                Measure(
                    "open",
                    "Hồ sơ đang xét",
                    AdmissionFile,
                    "organization__path",
                    lambda year, today: Q(stage__in=OPEN_ADMISSION_STAGES),
                    columns=(
                        ("Họ và tên", "full_name"),
                        ("Tổ chức", "organization__name"),
                        ("Hạn tiếp theo", "next_deadline"),
                    ),
                ),
                Measure(
                    "overdue",
                    "Hồ sơ quá hạn",
                    AdmissionFile,
                    "organization__path",
                    lambda year, today: Q(stage__in=OPEN_ADMISSION_STAGES, next_deadline__lt=today),
                    columns=(
                        ("Họ và tên", "full_name"),
                        ("Tổ chức", "organization__name"),
                        ("Hạn tiếp theo", "next_deadline"),
                    ),
                ),
            ),
            ratios=(Ratio("of_target", "% chỉ tiêu", "admitted", "target"),),
            note=(
                "Chỉ tiêu: chỉ tiêu năm giao cho tổ chức; tổ chức chưa được giao thì cộng chỉ"
                " tiêu của các tổ chức cấp dưới đã được giao. Đã kết nạp: đảng viên có ngày vào"
                " Đảng (quyết định kết nạp) trong năm, theo tổ"
                " chức nơi kết nạp, kể cả đảng viên nhập từ tệp. Hồ sơ đang xét và quá hạn"
                " tính đến hôm nay, không theo năm."
            ),
        ),
        ModuleReport(
            key="meetings",
            title="Sinh hoạt chi bộ và chất lượng",
            permission="meetings.view",
            measures=(
                Measure(
                    "held", "Đã họp", Meeting, "organization__path", _held, columns=_MEETING_COLUMNS
                ),
                *(
                    Measure(
                        f"grade_{grade.value}",
                        grade.label,
                        Meeting,
                        "organization__path",
                        _and(_held, Q(grade=grade.value)),
                        columns=_MEETING_COLUMNS,
                    )
                    for grade in MeetingGrade
                ),
                Measure(
                    "cancelled",
                    "Hủy",
                    Meeting,
                    "organization__path",
                    _and(_year("planned_on"), Q(status=MeetingStatus.CANCELLED)),
                    columns=_MEETING_COLUMNS,
                ),
            ),
            ratios=(Ratio("good_share", "% Tốt", f"grade_{MeetingGrade.GOOD.value}", "held"),),
        ),
        ModuleReport(
            key="member_reviews",
            title="Xếp loại chất lượng đảng viên",
            permission="reviews.view",
            measures=(
                *_grade_measures(MemberReview, _REVIEW_COLUMNS),
                Measure(
                    "exempt",
                    "Không xếp loại",
                    MemberReview,
                    "organization__path",
                    _and(_year_of_review, ~Q(exemption="")),
                    columns=_REVIEW_COLUMNS,
                ),
            ),
            ratios=_GRADE_RATIOS,
        ),
        ModuleReport(
            key="org_reviews",
            title="Xếp loại tổ chức đảng",
            permission="reviews.view",
            measures=_grade_measures(OrgReview, _ORG_REVIEW_COLUMNS),
            ratios=_GRADE_RATIOS,
        ),
        ModuleReport(
            key="inspections",
            title="Kiểm tra, giám sát",
            permission="inspections.view",
            measures=tuple(
                Measure(
                    status.value,
                    status.label,
                    Inspection,
                    "organization__path",
                    _and(_year("planned_start"), Q(status=status.value)),
                    columns=(
                        ("Đối tượng", "organization__name"),
                        ("Bắt đầu dự kiến", "planned_start"),
                        ("Tình trạng", "status"),
                    ),
                )
                for status in InspectionStatus
            ),
        ),
        ModuleReport(
            key="badges",
            title="Huy hiệu Đảng",
            permission="recognition.view",
            measures=tuple(
                Measure(
                    status.value,
                    status.label,
                    BadgeAward,
                    "member__org_path",
                    _and(_year("award_date"), Q(status=status.value)),
                    source=_badges_with_org,
                    org=AWARD_ORG,
                    columns=(
                        ("Đảng viên", "member__full_name"),
                        ("Huy hiệu (năm)", "milestone"),
                        ("Đợt", "award_date"),
                    ),
                )
                for status in BadgeAward.Status
            ),
            note="Theo nơi sinh hoạt của đảng viên vào ngày trao (đợt) huy hiệu.",
        ),
        ModuleReport(
            key="dues",
            title="Thu, nộp đảng phí",
            permission="dues.view",
            measures=(
                Measure(
                    "due",
                    "Phải thu (đồng)",
                    LedgerEntry,
                    "organization__path",
                    _year("month"),
                    sum_of="due",
                    columns=(
                        ("Đảng viên", "member__full_name"),
                        ("Tháng", "month"),
                        ("Phải đóng", "due"),
                        ("Đã đóng", "paid"),
                    ),
                ),
                Measure(
                    "paid",
                    "Đã thu (đồng)",
                    LedgerEntry,
                    "organization__path",
                    _year("month"),
                    sum_of="paid",
                    columns=(
                        ("Đảng viên", "member__full_name"),
                        ("Tháng", "month"),
                        ("Phải đóng", "due"),
                        ("Đã đóng", "paid"),
                    ),
                ),
                Measure(
                    "unpaid",
                    "Số tháng chưa đóng",
                    LedgerEntry,
                    "organization__path",
                    _and(_year("month"), Q(paid=0, due__gt=0)),
                    columns=(
                        ("Đảng viên", "member__full_name"),
                        ("Tháng", "month"),
                        ("Phải đóng", "due"),
                    ),
                ),
            ),
            ratios=(Ratio("collected", "% đã thu", "paid", "due"),),
        ),
        ModuleReport(
            key="programmes",
            title="Thực hiện chương trình công tác",
            permission="programmes.view",
            measures=(
                Measure(
                    "due",
                    "Mục đến hạn trong năm",
                    ProgrammeItem,
                    "organization__path",
                    _and(_year("due_on"), Q(cancelled_on__isnull=True, numchild=0)),
                    columns=_ITEM_COLUMNS,
                ),
                Measure(
                    "done",
                    "Đã hoàn thành",
                    ProgrammeItem,
                    "organization__path",
                    _and(
                        _year("due_on"),
                        Q(cancelled_on__isnull=True, done_on__isnull=False, numchild=0),
                    ),
                    columns=_ITEM_COLUMNS,
                ),
                Measure(
                    "late",
                    "Quá hạn chưa xong",
                    ProgrammeItem,
                    "organization__path",
                    lambda year, today: Q(
                        due_on__year=year,
                        due_on__lt=today,
                        done_on__isnull=True,
                        cancelled_on__isnull=True,
                        numchild=0,
                    ),
                    columns=_ITEM_COLUMNS,
                ),
            ),
            ratios=(Ratio("done_share", "% hoàn thành", "done", "due"),),
            note="Chỉ tính các mục lá (mục cha tổng hợp từ mục con).",
        ),
        ModuleReport(
            key="training",
            title="Bồi dưỡng, đào tạo",
            permission="training.view",
            measures=(
                Measure(
                    "enrolled",
                    "Học viên",
                    Enrolment,
                    "training_class__organization__path",
                    _year("training_class__ends_on"),
                    columns=(
                        ("Học viên", "full_name"),
                        ("Lớp", "training_class__name"),
                        ("Kết quả", "result"),
                    ),
                ),
                Measure(
                    "passed",
                    "Đạt",
                    Enrolment,
                    "training_class__organization__path",
                    _and(_year("training_class__ends_on"), Q(result="passed")),
                    columns=(
                        ("Học viên", "full_name"),
                        ("Lớp", "training_class__name"),
                        ("Ngày cấp", "certificate_issued_on"),
                    ),
                ),
            ),
            ratios=(Ratio("pass_rate", "% đạt", "passed", "enrolled"),),
        ),
        ModuleReport(
            key="transfers",
            title="Chuyển sinh hoạt đảng",
            permission="transfers.view",
            measures=(
                Measure(
                    "out",
                    "Chuyển đi (đã tiếp nhận)",
                    Transfer,
                    "from_org__path",
                    _transferred_out,
                    source=_transfers_with_destination,
                    columns=(
                        ("Đảng viên", "member__full_name"),
                        ("Đến", "destination"),
                        ("Ngày tiếp nhận", "completed_on"),
                    ),
                ),
                Measure(
                    "issued",
                    "Giấy giới thiệu đã cấp",
                    Transfer,
                    "from_org__path",
                    _year("issued_on"),
                    source=_transfers_with_destination,
                    columns=(
                        ("Đảng viên", "member__full_name"),
                        ("Đến", "destination"),
                        ("Ngày giới thiệu", "issued_on"),
                    ),
                ),
            ),
            note="Theo tổ chức chuyển đi.",
        ),
    ]
}


# ---------------------------------------------------------------- presentation helpers


def module_grid(table: ModuleTable):
    from dangbo.reports.exports import Grid

    report = table.report
    measures, ratios = report.measures, report.ratios

    def values(row: ModuleRow) -> list:
        return [row.values[m.key] for m in measures] + [row.ratios[r.key] for r in ratios]

    return Grid(
        title=f"{report.title} năm {table.year}",
        org=table.root,
        subtitle=table.root.name + (f" — {report.note}" if report.note else ""),
        lead_columns=[],
        columns=[m.label for m in measures] + [r.label for r in ratios],
        rows=[(row.label, values(row)) for row in table.rows],
        totals=values(table.total),
        chart_columns=list(range(len(measures))),
    )


def drill_values(measure: Measure, qs: QuerySet):
    return qs.values_list(*[lookup for _label, lookup in measure.columns])


def _field_choices(model, lookup: str) -> dict | None:
    target = model
    parts = lookup.split("__")
    try:
        for part in parts[:-1]:
            target = target._meta.get_field(part).related_model
        field_ = target._meta.get_field(parts[-1])
    except FieldDoesNotExist:  # an annotation of the measure's source
        return None
    return dict(field_.choices) if field_.choices else None


def display_row(measure: Measure, row) -> list[str]:
    """Values as shown to a person: labels for coded values, dates dd/mm/yyyy."""
    shown = []
    for (_label, lookup), value in zip(measure.columns, row, strict=True):
        choices = _field_choices(measure.model, lookup)
        if choices is not None:
            value = choices.get(value, value)
        if isinstance(value, date):
            value = value.strftime("%d/%m/%Y")
        shown.append("" if value is None else str(value))
    return shown
