"""Report screens draw their bar chart as inline SVG from the grid's totals: the same figures
as the table, labels escaped, the figures readable as text."""

from dangbo.reports import charts
from dangbo.reports.exports import Grid


def test_bars_follow_the_figures_and_labels_are_escaped():
    svg = charts.bar_chart("Đảng viên", ["Nam", "<b>Nữ</b>", "Chưa khai"], [1500, 750, None])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<b>" not in svg and "&lt;b&gt;Nữ&lt;/b&gt;" in svg
    assert "1.500" in svg and 'aria-label="Đảng viên: Nam 1.500; &lt;b&gt;Nữ&lt;/b&gt; 750' in svg
    heights = [float(part.split('"')[0]) for part in svg.split('height="')[1:]]
    assert heights[0] == 2 * heights[1] and heights[2] == 0  # the tallest fills the plot


def test_a_grid_charts_its_charted_columns_totals():
    grid = Grid(
        title="Kết nạp",
        subtitle="",
        lead_columns=["Tổng số"],
        columns=["Chỉ tiêu", "Đã kết nạp", "% chỉ tiêu"],
        totals=[0, 9, 3, 33.3],
        chart_columns=[0, 1],
    )
    svg = charts.grid_chart(grid)
    assert "Chỉ tiêu 9; Đã kết nạp 3" in svg and "% chỉ tiêu" not in svg


def test_an_empty_chart_draws_no_bars():
    assert "<rect" not in charts.bar_chart("Trống", [], [])
