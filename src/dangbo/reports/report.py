"""A statistical table: rows (the org or its direct children) × breakdown values, with totals."""

from dataclasses import dataclass, field
from datetime import date, datetime

from dangbo.core.text import vi_number
from dangbo.organizations.models import Organization
from dangbo.reports import month_ends, queries


@dataclass
class Row:
    label: str
    child_path: str  # '' for the whole subtree
    cells: list[int]
    total: int


@dataclass
class MemberTable:
    root: Organization
    on: date
    breakdown: queries.Breakdown
    by_child: bool
    columns: list[tuple[str, str]]
    rows: list[Row] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    grand_total: int = 0
    counted_at: datetime | None = None  # read from the month-end count made then
    counted_on: date | None = None  # that month end (before `on`: plus the changes since)

    @property
    def title(self) -> str:
        return f"Đảng viên theo {self.breakdown.label.lower()}"


def build_member_table(
    root: Organization, on: date, breakdown_code: str, by_child: bool, today: date
) -> MemberTable:
    breakdown = queries.BREAKDOWNS[breakdown_code]
    run, counts = None, None
    if not queries.is_today(on, today):  # a counted past month end answers from its rows
        run = month_ends.serving_run(root, on, breakdown_code, by_child)
        if run is not None:
            counts = month_ends.count_table(root, run, breakdown_code, by_child)
        else:  # another past date: the month end before it and the changes since
            found = month_ends.counts_since_month_end(root, on, breakdown_code, by_child, today)
            counts, run = found if found else (None, None)
    if counts is None:
        counts = queries.count_table(root, on, breakdown_code, today, by_child)
    present = {value for _child, value in counts}
    short_list = len(breakdown.choices) <= 10  # long lists (54 ethnic groups) show used values
    columns = [(v, label) for v, label in breakdown.choices if short_list or v in present]
    known = {v for v, _ in columns}
    if present - known:  # values not in the reference list stay visible
        columns += [(v, v or "Chưa khai") for v in sorted(present - known)]
    table = MemberTable(root, on, breakdown, by_child, columns)
    table.counted_at = run.finished_at if run else None
    table.counted_on = run.on if run else None
    targets = queries.children_on(root, on, today) if by_child else [("", root.name)]
    for path, name in targets:
        cells = [counts.get((path, value), 0) for value, _label in columns]
        table.rows.append(Row(name, path, cells, sum(cells)))
    table.totals = [sum(row.cells[i] for row in table.rows) for i in range(len(columns))]
    table.grand_total = sum(table.totals)
    return table


def member_grid(table: MemberTable):
    """The member table as an export grid (total first, then one column per value)."""
    from dangbo.reports.exports import Grid

    return Grid(
        title=table.title,
        subtitle=f"{table.root.name} — tính đến ngày {table.on:%d/%m/%Y}",
        org=table.root,
        lead_columns=["Tổng số"],
        columns=[label for _v, label in table.columns],
        group_header=f"Chia theo {table.breakdown.label.lower()}",
        rows=[(row.label, [row.total, *row.cells]) for row in table.rows],
        totals=[table.grand_total, *table.totals],
        summary=(
            f"Tổng số đảng viên: {vi_number(table.grand_total)}"
            + ". Số liệu theo thời điểm hiệu lực (ngày quyết định), có thể đối chiếu từng dòng."
        ),
    )
