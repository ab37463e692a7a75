"""The demo's 20 years of history: reorganisations and earlier placements that hold together,
in the plan (province size, no database) and as written (small), and past-date counts that
agree with the rows."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest

from dangbo.demo.generator import TODAY, make_member, plan_tree
from dangbo.demo.history import HISTORY_START, MemberHistory, add_history

FAR = date.max


def _history(size: str, seed: int):
    return add_history(plan_tree(size, seed), seed)


def _signature(root):
    return [
        (
            p.name,
            p.path,
            p.members,
            p.founded_on,
            p.dissolved_on,
            [(q.valid_from, q.valid_to, q.name, q.path) for q in p.periods()],
            [(e.kind, e.on, e.number, e.signer) for e in p.events],
        )
        for p in root.walk()
    ]


def test_history_plan_is_deterministic_and_keeps_todays_tree():
    assert _signature(_history("small", 7)) == _signature(_history("small", 7))
    plain, history = plan_tree("small", 7), _history("small", 7)
    assert [(p.name, p.path, p.members) for p in plain.walk()] == [
        (p.name, p.path, p.members) for p in history.walk() if p.dissolved_on is None
    ]
    kinds = {e.kind for p in history.walk() for e in p.events}
    assert kinds == {"moved", "merged", "split", "founded", "renamed"}


def _check_org_periods(plans_periods, sample_days):
    """plans_periods: {org key: (founded, dissolved, [(from, to, path, parent key)])}."""
    for founded, dissolved, periods in plans_periods.values():
        periods = sorted(periods)
        assert periods[0][0] == founded
        for (_f, to, _p, _parent), (nxt, *_rest) in pairwise(periods):
            assert to == nxt  # contiguous, non-overlapping
        assert periods[-1][1] == dissolved
    for day in sample_days:
        valid = {
            key: (path, parent)
            for key, (_f, _d, periods) in plans_periods.items()
            for start, end, path, parent in periods
            if start <= day < (end or FAR)
        }
        paths = [path for path, _parent in valid.values()]
        assert len(paths) == len(set(paths)), day
        for path, parent in valid.values():
            if parent is not None:
                assert parent in valid, (path, day)  # the parent existed that day
                assert path[:-4] == valid[parent][0], (path, day)


def _check_placements(placements, admitted, current, org_valid):
    """One member's placements [(org, from, to)]: contiguous from admission, the last one
    open in the current org, each in an org valid all along."""
    placements = sorted(placements, key=lambda p: p[1])
    assert placements[0][1] == admitted
    for (_o, _f, to), (_o2, nxt, _t2) in pairwise(placements):
        assert to == nxt
    assert placements[-1][0] == current and placements[-1][2] is None
    assert [p for p in placements if p[2] is None] == placements[-1:]
    for org, start, end in placements:
        founded, dissolved = org_valid[org]
        assert founded <= start and (end or FAR) <= (dissolved or FAR), (org, start, end)


def _sample_days():
    return [HISTORY_START + timedelta(days=91 * i) for i in range(81)] + [date(1990, 6, 30)]


def test_province_plan_holds_together():
    root = _history("province", 1)
    plans = list(root.walk())
    _check_org_periods(
        {
            id(p): (
                p.founded_on,
                p.dissolved_on,
                [
                    (q.valid_from, q.valid_to, q.path, q.parent and id(q.parent))
                    for q in p.periods()
                ],
            )
            for p in plans
        },
        _sample_days(),
    )
    events = Counter(e.kind for p in plans for e in p.events)
    assert events["moved"] >= 5 and events["merged"] >= 10 and events["split"] >= 5
    assert all(HISTORY_START <= e.on <= TODAY for p in plans for e in p.events)
    valid = {id(p): (p.founded_on, p.dissolved_on) for p in plans}
    history = MemberHistory(root)
    rng, history_rng = random.Random(8), random.Random(9)
    index = elsewhere = earlier = 0
    for cell in (p for p in plans if p.members):
        for _ in range(cell.members):
            member = make_member(rng, index)
            index += 1
            placements = history.placements(history_rng, cell, member.admitted_on)
            if placements is None:
                assert cell.founded_on <= member.admitted_on
                continue
            elsewhere += 1
            earlier += len(placements) - 1
            assert 2 <= len(placements) <= 4
            _check_placements(
                [(id(o), since, until) for o, since, until, _d in placements],
                member.admitted_on,
                id(cell),
                valid,
            )
    assert 0.14 < elsewhere / index < 0.22
    assert earlier > elsewhere


@pytest.fixture
def seeded(db):
    from dangbo.demo.writer import write_all

    root = _history("small", 2)
    write_all(root, 2)
    return root


def test_written_history_holds_together(seeded):
    from dangbo.demo import writer
    from dangbo.members.models import Member, Placement, StatusPeriod
    from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod

    assert Organization.objects.find_problems() == ([], [], [], [], [])
    orgs = {o.pk: o for o in Organization.objects.only("pk", "founded_on", "dissolved_on", "path")}
    assert {o.path for o in orgs.values()} == {p.path for p in seeded.walk()}
    assert Organization.objects.filter(is_active=False).count() == sum(
        1 for p in seeded.walk() if p.dissolved_on
    )
    periods = defaultdict(list)
    for row in OrgPeriod.objects.values_list(
        "organization_id", "valid_from", "valid_to", "path", "parent_id"
    ):
        periods[row[0]].append(row[1:])
    _check_org_periods(
        {pk: (o.founded_on, o.dissolved_on, periods[pk]) for pk, o in orgs.items()},
        _sample_days(),
    )
    for pk, o in orgs.items():  # the open period has today's path
        open_paths = [p for _f, to, p, _parent in periods[pk] if to is None]
        assert open_paths == ([] if o.dissolved_on else [o.path])
    placements = defaultdict(list)
    for member_id, org_id, start, end in Placement.objects.values_list(
        "member_id", "organization_id", "valid_from", "valid_to"
    ):
        placements[member_id].append((org_id, start, end))
    valid = {pk: (o.founded_on, o.dissolved_on) for pk, o in orgs.items()}
    members = Member.objects.values_list("pk", "admitted_on", "organization_id")
    for pk, admitted, org_id in members:
        _check_placements(placements[pk], admitted, org_id, valid)
    by_order, by_number = writer._member_ids(0, len(members)), writer._ids_by_number(0)
    assert [by_order(i) for i in range(len(members))] == [by_number(i) for i in range(len(members))]
    elsewhere = sum(1 for rows in placements.values() if len(rows) > 1)
    assert 0.12 < elsewhere / len(members) < 0.35
    assert StatusPeriod.objects.filter(valid_to__isnull=True).count() == len(members)
    kinds = set(OrgEvent.objects.values_list("kind", flat=True))
    assert kinds == {"moved", "merged", "split", "founded", "renamed"}
    merged = OrgEvent.objects.get(kind="merged", organization__is_active=False)
    assert merged.details["merged_into"] in orgs and merged.decision_number.startswith("QĐ-")


def _event_days(root, kind):
    """The day before a reorganisation of this kind, the day of, and a month after."""
    on = next(e.on for p in root.walk() for e in p.events if e.kind == kind)
    return [on - timedelta(days=1), on, on + timedelta(days=31)]


def test_past_counts_match_the_rows(seeded):
    """count_table on past dates (around a move, a merge, a split) counts what the raw rows
    say: the placement valid that day, its org's path then, the status then."""
    from dangbo.members.choices import ACTIVE_STATUSES
    from dangbo.members.models import Placement, StatusPeriod
    from dangbo.organizations.models import Organization, OrgPeriod
    from dangbo.reports.queries import count_table

    root = Organization.objects.get(depth=1)
    placements = Placement.objects.values_list(
        "member_id", "organization_id", "valid_from", "valid_to"
    )
    statuses = StatusPeriod.objects.values_list("member_id", "status", "valid_from", "valid_to")
    periods = OrgPeriod.objects.values_list("organization_id", "path", "valid_from", "valid_to")
    width = len(root.path) + 4
    counts = {}
    days = [date(2010, 12, 31), date(2020, 6, 30)]
    for kind in ("moved", "merged", "split"):
        days += _event_days(seeded, kind)
    for day in days:

        def valid(start, end, day=day):
            return start <= day < (end or FAR)

        where = {m: o for m, o, start, end in placements if valid(start, end)}
        path = {o: p for o, p, start, end in periods if valid(start, end)}
        status = {m: s for m, s, start, end in statuses if valid(start, end)}
        expected = Counter(
            (path[org][:width], status[member])
            for member, org in where.items()
            if status.get(member) in ACTIVE_STATUSES and path[org].startswith(root.path)
        )
        counts[day] = count_table(root, day, "status", TODAY, by_child=True)
        assert counts[day] == dict(expected), day
        assert sum(expected.values()) > 100
    # The move changes the superiors' counts on its day.
    before, on, _after = _event_days(seeded, "moved")
    assert counts[before] != counts[on]


def test_reports_from_month_ends_equal_the_live_count_on_the_history(seeded, settings):
    """Every month end counted in one pass over the generated history, then any past date —
    a month end, or the month end before plus the changes since — around each kind of
    reorganisation equals the live count, for the root and each superior, by child and in
    total, by status and by gender."""
    from django.utils import timezone

    from dangbo.organizations.models import Organization
    from dangbo.reports import month_ends, queries
    from dangbo.reports.report import build_member_table

    settings.DANGBO_MONTH_END_MARGIN_SECONDS = 0  # SQLite: trust counts made after the seed
    today = timezone.localdate()
    assert month_ends.refresh(today=today) > 200
    days = [d for kind in ("moved", "merged", "split") for d in _event_days(seeded, kind)]
    days += [month_ends.previous_month_end(d) for d in days] + [date(2010, 6, 15)]
    served = 0
    for org in Organization.objects.filter(depth__lte=2):
        for on in days:
            for code in month_ends.BREAKDOWNS:
                for by_child in (True, False):
                    table = build_member_table(org, on, code, by_child, today)
                    got = {
                        (row.child_path, value): n
                        for row in table.rows
                        for (value, _label), n in zip(table.columns, row.cells, strict=True)
                        if n
                    }
                    live = queries.count_table(org, on, code, today, by_child)
                    if by_child:
                        children = {row.child_path for row in table.rows}
                        live = {k: n for k, n in live.items() if k[0] in children}
                    else:
                        live = {("", v): n for (_c, v), n in live.items()}
                    assert got == {k: n for k, n in live.items() if n}, (org.name, on, code)
                    served += table.counted_on is not None
    assert served == Organization.objects.filter(depth__lte=2).count() * len(days) * 4
