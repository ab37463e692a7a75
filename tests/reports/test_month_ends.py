"""Member counts at past month ends: equal to the live count, marked stale by database
triggers when a back-dated change touches them (every writer), recounted by the refresh."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangbo.members import services as member_services
from dangbo.members.models import Member, Placement
from dangbo.organizations import services as org_services
from dangbo.organizations.models import Organization
from dangbo.reports import month_ends, queries
from dangbo.reports.models import BackdatedMonth, DayChange, MonthEndCount, MonthEndRun
from dangbo.reports.report import build_member_table
from tests import factories

pytestmark = pytest.mark.django_db
DATES = [date(2019, 12, 31), date(2024, 6, 30), date(2025, 3, 31)]


@pytest.fixture(autouse=True)
def no_margin(settings):
    settings.DANGBO_MONTH_END_MARGIN_SECONDS = 0


def _marks() -> set[date]:
    return set(BackdatedMonth.objects.values_list("month", flat=True))


def _reports(tree):
    province = Organization.objects.get(pk=tree["province"].pk)
    bloc = Organization.objects.get(pk=tree["bloc"].pk)
    today = timezone.localdate()

    def table(org, on, code, by_child):
        built = build_member_table(org, on, code, by_child, today)
        return [(row.child_path, row.cells) for row in built.rows], built.grand_total

    return {
        (org.name, on, code, by_child): table(org, on, code, by_child)
        for org in (province, bloc)
        for on in DATES
        for code in month_ends.BREAKDOWNS
        for by_child in (True, False)
    }


def _history(tree):
    factories.member(
        tree["cell_b"], "Vũ Thị Lan", gender="F", admitted_on=date(2018, 4, 2), official_on=None
    )
    factories.member(tree["village"], "Bùi Văn Tâm", admitted_on=date(2024, 2, 1), official_on=None)
    moved = tree["members_a"][0]
    member_services.place_members(
        [moved.pk], tree["village"], date(2024, 5, 20), summary="Chuyển sinh hoạt"
    )


def test_triggers_mark_the_earliest_month_a_backdated_change_touches(tree):
    BackdatedMonth.objects.all().delete()
    today = timezone.localdate()
    factories.member(tree["cell_a"], "Mới Hôm Nay", admitted_on=today, official_on=None)
    assert _marks() == set()  # dated this month: no counted month end can change
    member = tree["members_a"][1]
    member_services.place_members([member.pk], tree["cell_b"], today, summary="Chuyển")
    assert _marks() == set()  # closing a period today leaves earlier months alone
    factories.member(tree["cell_a"], "Kết Nạp Cũ", admitted_on=date(2023, 7, 9), official_on=None)
    assert _marks() == {date(2023, 7, 1)}
    placement = Placement.objects.filter(member=member, valid_to__isnull=False).get()
    Placement.objects.filter(pk=placement.pk).update(valid_to=date(2022, 2, 14))  # raw update
    assert _marks() == {date(2023, 7, 1), date(2022, 2, 1)}
    Member.objects.filter(pk=member.pk).update(gender="F" if member.gender == "M" else "M")
    assert date(1, 1, 1) in _marks()  # gender counts on every date


def test_counts_equal_the_live_count_and_are_read_instead(tree, django_assert_max_num_queries):
    _history(tree)
    live = _reports(tree)
    assert month_ends.refresh(DATES, today=date(2026, 11, 24)) == len(DATES)
    assert MonthEndRun.objects.count() == len(DATES)
    province = Organization.objects.get(pk=tree["province"].pk)
    run = month_ends.serving_run(province, DATES[1], "status", True)
    served = month_ends.count_table(province, run, "status", True)
    assert sum(served.values()) > 0
    assert _reports(tree) == live
    # run, staleness check, the root's path on that day (it may have moved since), rows
    with django_assert_max_num_queries(4):
        run = month_ends.serving_run(province, DATES[2], "gender", True)
        month_ends.count_table(province, run, "gender", True)
    committee = Organization.objects.get(pk=tree["committee"].pk)
    assert month_ends.serving_run(committee, DATES[1], "status", True) is None  # too deep
    assert month_ends.serving_run(province, date(2024, 6, 29), "status", True) is None
    assert month_ends.serving_run(province, DATES[1], "education", True) is None


def test_a_backdated_change_sends_later_month_ends_live_until_recounted(tree):
    _history(tree)
    month_ends.refresh(DATES, today=date(2026, 11, 24))
    province = Organization.objects.get(pk=tree["province"].pk)
    run = month_ends.serving_run(province, DATES[2], "status", False)
    before = month_ends.count_table(province, run, "status", False)
    factories.member(
        tree["cell_a"], "Bổ Sung Hồ Sơ", admitted_on=date(2024, 1, 10), official_on=None
    )
    assert month_ends.serving_run(province, DATES[0], "status", False) is not None
    assert month_ends.serving_run(province, DATES[1], "status", False) is None
    today = timezone.localdate()
    live = queries.count_table(province, DATES[2], "status", today, False)
    assert sum(live.values()) == sum(before.values()) + 1  # the report counted live: exact
    assert month_ends.refresh(DATES, today=date(2026, 11, 24)) == 2  # only the touched ones
    run = month_ends.serving_run(province, DATES[2], "status", False)
    after = month_ends.count_table(province, run, "status", False)
    assert after == live


@pytest.mark.skipif("connection.vendor != 'sqlite'")  # PostgreSQL: the exact test below
def test_margin_distrusts_counts_begun_while_a_change_was_open(tree, settings):
    month_ends.refresh(DATES, today=date(2026, 11, 24))
    factories.member(
        tree["cell_a"], "Giao Dịch Dài", admitted_on=date(2010, 1, 4), official_on=None
    )
    run = MonthEndRun.objects.get(on=DATES[0])
    MonthEndRun.objects.filter(pk=run.pk).update(started_at=timezone.now() + timedelta(minutes=5))
    run.refresh_from_db()
    assert month_ends.is_trusted(run)
    settings.DANGBO_MONTH_END_MARGIN_SECONDS = 600
    assert not month_ends.is_trusted(run)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_postgres_trusts_exactly_the_changes_the_count_saw(migration_data, settings):
    """A back-dated change open while the count ran is seen by its transaction id, not by a
    time margin: the count is distrusted once it commits, and a recount made right after is
    trusted at once (no minutes of live counting after a seed or an import)."""
    import psycopg

    settings.DANGBO_MONTH_END_MARGIN_SECONDS = 600
    factories.rerun_data_migrations()
    province = factories.org("Đảng bộ X", "province", effective=date(2000, 1, 1))
    committee = factories.org("Đảng bộ Sở Y", "grassroots_committee", province, date(2000, 1, 1))
    cell = factories.org("Chi bộ Kiểm Tra", "cell", committee, date(2000, 1, 1))
    member = factories.member(cell, "Ngô Văn Mở", admitted_on=date(2015, 3, 2), official_on=None)
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute(
            "UPDATE members_member SET gender = 'F' WHERE id = %s", [member.pk]
        )  # back-dated (gender counts on every date), not committed yet
        month_ends.refresh(DATES, today=date(2026, 11, 24))
        run = MonthEndRun.objects.get(on=DATES[0])
        assert month_ends.is_trusted(run)  # nothing it could not see is committed
        other.commit()
    assert not month_ends.is_trusted(MonthEndRun.objects.get(on=DATES[0]))
    assert month_ends.refresh(DATES, today=date(2026, 11, 24)) == len(DATES)
    assert month_ends.is_trusted(MonthEndRun.objects.get(on=DATES[0]))  # despite the margin


def test_default_dates_are_every_month_end_since_the_register_began(tree):
    dates = month_ends.default_dates(date(2026, 11, 24), since=date(2026, 8, 15))
    assert dates == [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
    first = month_ends.register_start()
    assert first == min(Placement.objects.values_list("valid_from", flat=True))
    every = month_ends.default_dates(date(2026, 11, 24))
    assert every[0] == month_ends.month_end(first) and every[-1] == date(2026, 10, 31)
    assert len(every) == len(set(every)) and all(map(month_ends.is_month_end, every))
    assert month_ends.is_month_end(date(2024, 2, 29)) and not month_ends.is_month_end(
        date(2023, 2, 28) + timedelta(days=1)
    )


def test_one_pass_over_the_history_equals_each_month_end_counted_alone(tree):
    """Every month end since the register began, counted in one pass (running sums of the
    monthly changes), equals the grouped count of each date on its own — with a member who
    left, a transfer, a moved org and a recognition in the history."""
    _history(tree)
    member_services.change_status(
        tree["members_a"][2],
        new_status="official",
        on=date(2024, 3, 20),
        decision_number="7-QĐ/ĐU",
        reason="Công nhận chính thức",
    )
    org_services.move_org(
        Organization.objects.get(pk=tree["committee"].pk),
        new_parent=Organization.objects.get(pk=tree["commune"].pk),
        decision=factories.decision(date(2024, 9, 10)),
    )
    today = date(2026, 11, 24)
    every = month_ends.default_dates(today)
    assert month_ends.refresh(today=today) == len(every)
    bulk = _counted(every)
    samples = [every[0], date(2018, 4, 30), date(2024, 2, 29), date(2024, 5, 31)]
    samples += [date(2024, 8, 31), date(2024, 9, 30), every[-1]]
    for day in samples:  # one grouped query each, the reference
        month_ends.count_month_end(day)
    assert _counted(samples) == {day: bulk[day] for day in samples}
    assert bulk[date(2024, 9, 30)] != bulk[date(2024, 8, 31)]  # the move shows
    assert month_ends.refresh(today=today) == 0  # nothing touched since


def _counted(dates):
    rows = MonthEndCount.objects.filter(on__in=dates)
    found = {day: set() for day in dates}
    for row in rows.values_list("on", "path", "status", "gender", "members"):
        found[row[0]].add(row[1:])
    return found


def test_refresh_command_counts_month_ends_after_the_summaries(tree):
    call_command("refresh_report_summaries", "--since", "2026-08-01")
    months = len(month_ends.default_dates(timezone.localdate(), date(2026, 8, 1)))
    assert MonthEndRun.objects.count() == months
    assert MonthEndCount.objects.filter(depth=1, status="official").exists()
    call_command("refresh_report_summaries", "--since", "2026-08-01")
    assert MonthEndRun.objects.count() == months  # nothing touched: nothing recounted


def test_the_report_page_says_when_a_month_end_was_counted(tree, admin_client):
    _history(tree)
    url = reverse("reports:members")
    params = {"org": tree["province"].pk, "on": "30/06/2024", "breakdown": "status"}
    live = admin_client.get(url, params).content.decode()
    assert 'id="month-end-note"' not in live
    month_ends.refresh(DATES, today=date(2026, 11, 24))
    page = admin_client.get(url, params).content.decode()
    assert 'id="month-end-note"' in page and "30/06/2024" in page
    grand = 'id="grand-total">'
    assert live.split(grand)[1].split("<")[0] == page.split(grand)[1].split("<")[0]


JUNE_2024 = [date(2024, 6, d) for d in (1, 4, 5, 11, 12, 19, 20, 30)]


def _june_changes(tree):
    """Changes dated inside June 2024, recorded after 31/05/2024 was counted (they do not
    touch that month end): an admission, a transfer, an official recognition."""
    factories.member(
        tree["cell_a"],
        "Kết Nạp Tháng Sáu",
        gender="F",
        admitted_on=date(2024, 6, 5),
        official_on=None,
    )
    member_services.place_members(
        [tree["members_a"][1].pk], tree["village"], date(2024, 6, 12), summary="Chuyển sinh hoạt"
    )
    member_services.change_status(
        tree["members_a"][2],
        new_status="official",
        on=date(2024, 6, 20),
        decision_number="12-QĐ/ĐU",
        reason="Công nhận chính thức",
    )


def test_a_date_between_month_ends_is_the_month_end_before_plus_the_changes(tree):
    _history(tree)
    may = date(2024, 5, 31)
    month_ends.refresh([may], today=date(2026, 11, 24))
    _june_changes(tree)
    today = timezone.localdate()
    province = Organization.objects.get(pk=tree["province"].pk)
    bloc = Organization.objects.get(pk=tree["bloc"].pk)
    for org in (province, bloc):
        for on in JUNE_2024:
            for code in month_ends.BREAKDOWNS:
                for by_child in (True, False):
                    found = month_ends.counts_since_month_end(org, on, code, by_child, today)
                    assert found is not None and found[1].on == may
                    live = queries.count_table(org, on, code, today, by_child)
                    assert found[0] == live, (org.name, on, code, by_child)
    # the changes do show: one more member on 05/06 than on 04/06, and a status moved on 20/06
    at = {
        on: month_ends.counts_since_month_end(province, on, "status", False, today)[0]
        for on in JUNE_2024
    }
    assert sum(at[date(2024, 6, 5)].values()) == sum(at[date(2024, 6, 4)].values()) + 1
    assert at[date(2024, 6, 20)] != at[date(2024, 6, 19)]


def test_while_the_month_end_before_waits_an_earlier_counted_one_serves(tree):
    """15/06/2024 with 31/05 not counted yet: counted 31/03 plus the changes since equals
    the live count, and 31/05 is queued for the worker."""
    _history(tree)
    march = date(2024, 3, 31)
    month_ends.refresh([march], today=date(2026, 11, 24))
    _june_changes(tree)
    today = timezone.localdate()
    province = Organization.objects.get(pk=tree["province"].pk)
    for on in JUNE_2024:
        for code in month_ends.BREAKDOWNS:
            found = month_ends.counts_since_month_end(province, on, code, True, today)
            assert found is not None and found[1].on == march
            assert found[0] == queries.count_table(province, on, code, today, True), (on, code)


def test_a_tree_change_between_month_ends_is_counted_exactly(tree, admin_client):
    """A grassroots committee moved to another superior, a cell founded under it and a member
    placed in the new cell, all inside June: the month end before plus the changes (the
    members of the reorganised orgs among them) equals the live count on every day, by child
    and in total."""
    month_ends.refresh([date(2024, 5, 31)], today=date(2026, 11, 24))
    province = Organization.objects.get(pk=tree["province"].pk)
    today = timezone.localdate()
    url = reverse("reports:members")
    params = {"org": province.pk, "on": "20/06/2024", "breakdown": "status"}
    org_services.move_org(
        Organization.objects.get(pk=tree["committee"].pk),
        new_parent=Organization.objects.get(pk=tree["commune"].pk),
        decision=factories.decision(date(2024, 6, 11)),
    )
    new = factories.org(
        "Chi bộ Mới Lập",
        "cell",
        Organization.objects.get(pk=tree["committee"].pk),
        effective=date(2024, 6, 18),
    )
    member_services.place_members(
        [tree["members_a"][0].pk], new, date(2024, 6, 19), summary="Chuyển sinh hoạt"
    )
    assert set(tree["members_b"]) and {m.pk for m in tree["members_b"]} <= set(
        month_ends.changed_member_ids(date(2024, 5, 31), date(2024, 6, 30))
    )
    for org in (province, tree["bloc"], tree["commune"], tree["committee"]):
        org.refresh_from_db()
        for on in JUNE_2024:
            for by_child in (True, False)[org.depth // 3 :]:  # kept down to depth 3
                found = month_ends.counts_since_month_end(org, on, "status", by_child, today)
                live = queries.count_table(org, on, "status", today, by_child)
                assert found is not None and found[0] == live, (org.name, on, by_child)
    page = admin_client.get(url, params).content.decode()
    assert "= số đã đếm ngày cuối tháng 31/05/2024" in page


def test_too_many_changes_since_the_month_end_send_the_report_live(tree, monkeypatch):
    month_ends.refresh([date(2024, 5, 31)], today=date(2026, 11, 24))
    _june_changes(tree)  # three members changed
    province = Organization.objects.get(pk=tree["province"].pk)
    today = timezone.localdate()
    assert len(month_ends.changed_member_ids(date(2024, 5, 31), date(2024, 6, 30))) == 3
    monkeypatch.setattr(month_ends, "CHANGED_LIMIT", 2)
    assert (
        month_ends.counts_since_month_end(province, date(2024, 6, 30), "status", True, today)
        is None
    )
    table = build_member_table(province, date(2024, 6, 30), "status", True, today)
    live = queries.count_table(province, date(2024, 6, 30), "status", today, True)
    assert table.counted_at is None and table.grand_total == sum(live.values())


def test_a_day_between_month_ends_reads_the_day_changes_until_its_month_is_touched(tree):
    """Counted with the day-by-day changes, 15/06/2024 is 31/05 plus the rows of 01–15/06;
    a member admitted later with an earlier date in June makes June's closing count untrusted,
    and the same day is then counted from the changed members — exact either way."""
    _history(tree)
    _june_changes(tree)
    today = timezone.localdate()
    month_ends.refresh(today=date(2026, 11, 24))
    province = Organization.objects.get(pk=tree["province"].pk)
    start = month_ends.serving_run(province, date(2024, 5, 31), "status", True)
    on = date(2024, 6, 15)
    read = month_ends._from_day_changes(province, start, on, "status", True, today)
    assert read is not None and DayChange.objects.filter(day__month=6, day__year=2024).exists()
    assert read == queries.count_table(province, on, "status", today, True)
    factories.member(
        tree["cell_a"], "Bổ Sung Tháng Sáu", admitted_on=date(2024, 6, 3), official_on=None
    )
    assert month_ends._from_day_changes(province, start, on, "status", True, today) is None
    found = month_ends.counts_since_month_end(province, on, "status", True, today)
    assert found[0] == queries.count_table(province, on, "status", today, True)
