"""Bar charts for report screens as inline SVG markup, drawn from the figures in a few
microseconds (matplotlib, ~60 ms a chart and ~1 s to import, stays for the charts inside
Word documents). Labels are escaped; the chart carries its figures as text for screen readers."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from dangbo.core.text import vi_number

WIDTH, HEIGHT = 700, 320
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 34, 96  # room for the title and the slanted labels
COLOUR = "#c62828"


def bar_chart(title: str, labels: list[str], values: list[float | int | None]) -> SafeString:
    """One bar per label, its value written above it; the tallest bar fills the plot."""
    values = [v or 0 for v in values]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(values, default=0) or 1
    step = plot_w / max(len(values), 1)
    bar_w = step * 0.7
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' class="report-chart" aria-label="{escape(_described(title, labels, values))}">',
        f'<text x="{WIDTH / 2:.0f}" y="18" text-anchor="middle" font-size="14">'
        f"{escape(title)}</text>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"'
        ' stroke="#555"/>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = plot_h * value / top
        x = LEFT + i * step + (step - bar_w) / 2
        y = TOP + plot_h - height
        centre = x + bar_w / 2
        parts += [
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{height:.1f}"'
            f' fill="{COLOUR}"/>',
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">'
            f"{escape(vi_number(value))}</text>",
            f'<text transform="translate({centre:.1f} {TOP + plot_h + 12}) rotate(-30)"'
            f' text-anchor="end" font-size="11">{escape(_short(label))}</text>',
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _described(title: str, labels, values) -> str:
    return f"{title}: " + "; ".join(
        f"{label} {vi_number(value)}" for label, value in zip(labels, values, strict=True)
    )


def grid_chart(grid) -> SafeString:
    """The chart of a report grid (reports.exports.Grid): the totals of its charted columns,
    the same figures `exports.chart` draws into documents."""
    lead = len(grid.lead_columns)
    picked = grid.chart_columns if grid.chart_columns is not None else range(len(grid.columns))
    labels = [grid.columns[i] for i in picked]
    return bar_chart(grid.title, labels, [grid.totals[lead + i] for i in picked])
