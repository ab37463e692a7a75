from datetime import date

from dangbo.demo.meetings import generate_meetings
from dangbo.meetings import queries
from dangbo.meetings.models import Attendance, CriterionScore, Meeting


def test_demo_year_of_meetings(tree):
    counts = generate_meetings(end=date(2026, 11, 1), months=12, seed=3)
    cells = 3
    assert cells * 11 <= counts["meetings"] <= cells * 12
    assert Attendance.objects.count() == counts["attendance"]
    assert Meeting.objects.filter(planned_on__gte=date(2026, 11, 1)).count() == 0
    scored = Meeting.objects.filter(score__isnull=False)
    assert scored.filter(criteria_set__isnull=True).count() == 0
    assert CriterionScore.objects.count() == scored.count() * 6
    rows, total = queries.subtree_stats(tree["province"], 2026, 1, 10, 95)
    assert total.held == Meeting.objects.filter(planned_on__year=2026).count()
    assert total.rate is not None
    # The cumulative month tallies give exactly the live figures, for any period.
    for root in (tree["province"], tree["bloc"], tree["cell_a"]):
        for period in ((1, 10), (2, 7), (4, 12), (5, 5), (11, 12)):
            assert queries.subtree_stats(root, 2026, *period, 95) == queries.subtree_stats_live(
                root, 2026, *period, 95
            ), (root, period)
    # So do the months absent without reason (the demo's chronic absentees) and the
    # invitations' copies behind the superiors' record.
    for root in (tree["province"], tree["bloc"], tree["cell_a"]):
        for start, end in (
            (date(2025, 11, 1), date(2026, 11, 1)),
            (date(2026, 2, 1), date(2026, 6, 1)),
        ):
            for threshold in (1, 2, 3):
                fast = queries.absence_flags(root.path, start, end, threshold)
                assert fast == queries.absence_flags_live(root.path, start, end, threshold)
            assert queries.superiors_record(root.path, start, end) == (
                queries.superiors_record_live(root.path, start, end)
            )
    again = generate_meetings(end=date(2026, 11, 1), months=1, seed=3, separate_thematic=True)
    assert again["meetings"] >= 3
