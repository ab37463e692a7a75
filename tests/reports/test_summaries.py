"""Top-level dashboards read refreshed summaries and say when they were counted."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from dangbo.members import summary as member_summary
from dangbo.reports import dashboard, summaries
from tests import factories


def live(root, code):
    today = timezone.localdate()
    summary_state = member_summary.state()
    assert summary_state is None  # live path: no member summary
    return {b.code: rows for b, rows, _t, _s in dashboard.composition(root, today, (code,))}[code]


def test_refreshed_counts_equal_live_counts_for_top_levels(tree):
    today = timezone.localdate()
    expected = {
        code: live(tree["province"], code) for code in ("age_band", "education", "theory_level")
    }
    expected_bloc = live(tree["bloc"], "age_band")
    run = summaries.refresh(depth=2)
    assert run.rows > 0 and run.finished_at is not None
    for code, rows in expected.items():
        ((breakdown, refreshed, total, source),) = dashboard.composition(
            tree["province"], today, (code,)
        )
        assert refreshed == rows and source  # same figures, with the time they were counted
        assert total == 5
    ((_b, rows, _t, source),) = dashboard.composition(tree["bloc"], today, ("age_band",))
    assert rows == expected_bloc and source
    # below the refreshed levels the dashboard counts live
    ((_b, rows, _t, source),) = dashboard.composition(tree["committee"], today, ("age_band",))
    assert source == "" and sum(n for _l, n, _v in rows) == 4


def test_refresh_is_not_current_until_rerun_and_shows_its_time(tree, admin_client):
    summaries.refresh(depth=2)
    factories.member(
        tree["cell_a"],
        "Ngô Văn Tài",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2024, 5, 1),
        official_on=None,
    )
    ((_b, rows, total, _s),) = dashboard.composition(
        tree["province"], timezone.localdate(), ("age_band",)
    )
    assert total == 5  # as counted at the refresh (the page says when)
    body = admin_client.get(reverse("reports:dashboard"), {"org": tree["province"].pk})
    assert "Số liệu tổng hợp lúc" in body.content.decode()
    summaries.refresh(depth=2)
    ((_b, rows, total, _s),) = dashboard.composition(
        tree["province"], timezone.localdate(), ("age_band",)
    )
    assert total == 6


def test_status_and_cell_sizes_from_the_exact_member_summary(tree):
    live_sizes = dashboard.cells_by_size(tree["province"])
    live_status = dashboard.composition(tree["province"], timezone.localdate(), ("status",))
    member_summary.rebuild()
    assert dashboard.cells_by_size(tree["province"]) == live_sizes
    assert dashboard.composition(tree["province"], timezone.localdate(), ("status",)) == (
        live_status
    )
    factories.member(tree["cell_b"], "Bùi Văn Long")  # kept exact by Member.save
    factories.member(tree["cell_b"], "Đỗ Văn Minh")
    from_summary = dashboard.cells_by_size(tree["province"])
    assert dict(from_summary)["3–8"] == 1  # cell_b now has 3 official members
    member_summary.invalidate()
    assert dashboard.cells_by_size(tree["province"]) == from_summary


def test_refreshed_org_figures_equal_the_live_ones(tree):
    today = timezone.localdate()
    factories.member(
        tree["cell_b"],
        "Lý Thị Mai",
        gender="F",
        birth_date=date(1995, 1, 1),
        admitted_on=date(today.year, 1, 5),
        official_on=None,
    )
    live = (
        dashboard.orgs_by_type(tree["province"]),
        dashboard.cells_by_size(tree["province"]),
        dashboard.changes_in_year(tree["province"], today.year),
    )
    summaries.refresh(depth=2)
    refreshed = dashboard.changes_in_year(tree["province"], today.year)
    assert refreshed.pop("source") and live[2].pop("source") == ""
    assert refreshed == live[2] and refreshed["admitted"] == 1
    assert sorted(dashboard.orgs_by_type(tree["province"])) == sorted(live[0])
    assert dashboard.cells_by_size(tree["province"]) == live[1]
    # another year, or a level below the refresh, is counted live
    assert dashboard.changes_in_year(tree["province"], today.year - 1)["source"] == ""
    assert dashboard.changes_in_year(tree["committee"], today.year)["source"] == ""


def test_todays_status_and_gender_tables_from_the_summary_equal_live(tree):
    from dangbo.reports.report import build_member_table

    today = timezone.localdate()
    live = {
        (code, by_child): build_member_table(tree["province"], today, code, by_child, today)
        for code in ("status", "gender")
        for by_child in (True, False)
    }
    member_summary.rebuild()
    for (code, by_child), expected in live.items():
        table = build_member_table(tree["province"], today, code, by_child, today)
        assert [(r.label, r.cells) for r in table.rows] == [
            (r.label, r.cells) for r in expected.rows
        ]
        assert table.grand_total == expected.grand_total == 5
