"""Pure rules of committees and cadres, at their boundaries."""

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from dangbo.committees import rules

HALF = Fraction(1, 2)
PARAMS = rules.PlanningParams.from_values({})


def test_more_than_half_is_needed():
    assert not rules.passes(50, 100, HALF)
    assert rules.passes(51, 100, HALF)
    assert not rules.passes(0, 0, HALF)
    assert rules.passes(67, 100, Fraction(2, 3)) and not rules.passes(66, 99, Fraction(2, 3))


def test_percent_two_decimals():
    assert rules.percent(2, 3) == 66.67
    assert rules.percent(1, 0) == 0.0


def test_elect_takes_the_best_up_to_the_seats():
    candidates = [(1, 90), (2, 80), (3, 60), (4, 40)]
    assert rules.elect(candidates, 100, 2, HALF) == {1, 2}
    assert rules.elect(candidates, 100, 5, HALF) == {1, 2, 3}


def test_tie_at_the_last_seat_elects_none_of_the_tied():
    candidates = [(1, 90), (2, 70), (3, 70)]
    assert rules.elect(candidates, 100, 2, HALF) == {1}
    assert rules.elect(candidates, 100, 3, HALF) == {1, 2, 3}


@given(
    st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=200),
    st.integers(min_value=0, max_value=15),
)
def test_elect_invariants(votes, voters, seats):
    votes = [min(v, voters) for v in votes]
    candidates = list(enumerate(votes))
    elected = rules.elect(candidates, voters, seats, HALF)
    assert len(elected) <= seats
    for key in elected:
        assert 2 * votes[key] > voters
    # nobody left out has more votes than someone elected
    if elected:
        lowest = min(votes[k] for k in elected)
        assert all(
            votes[k] <= lowest for k, _ in candidates if k not in elected and 2 * votes[k] > voters
        )


def test_congress_schedule_status():
    end = date(2025, 10, 1)
    assert rules.congress_status(end, date(2025, 3, 31), 6) == "ok"
    assert rules.congress_status(end, date(2025, 4, 1), 6) == "due"
    assert rules.congress_status(end, date(2025, 9, 30), 6) == "due"
    assert rules.congress_status(end, date(2025, 10, 1), 6) == "late"
    assert rules.congress_status(None, date(2025, 10, 1), 6) == "none"


def test_term_end_and_leap_day():
    assert rules.term_end(date(2020, 9, 15), 5) == date(2025, 9, 15)
    assert rules.term_end(date(2024, 2, 29), 5) == date(2029, 2, 28)


def test_age_on_birthday():
    assert rules.age_on(date(1970, 5, 10), date(2025, 5, 9)) == 54
    assert rules.age_on(date(1970, 5, 10), date(2025, 5, 10)) == 55


def test_age_limit_at_term_start_by_gender():
    start = date(2025, 10, 1)
    # men: 62 - 5 years of service → at most 57 at the start of the term
    assert rules.age_ok(rules.Profile("M", date(1968, 10, 1)), start, PARAMS)  # 57
    assert not rules.age_ok(rules.Profile("M", date(1967, 10, 1)), start, PARAMS)  # 58
    assert rules.age_ok(rules.Profile("F", date(1970, 10, 1)), start, PARAMS)  # 55
    assert not rules.age_ok(rules.Profile("F", date(1969, 10, 1)), start, PARAMS)  # 56


def test_theory_level():
    assert rules.theory_ok("intermediate", "intermediate")
    assert rules.theory_ok("advanced", "intermediate")
    assert not rules.theory_ok("elementary", "intermediate")
    assert not rules.theory_ok("", "intermediate")


def test_candidate_warnings():
    start = date(2025, 10, 1)
    fine = rules.Profile("F", date(1985, 1, 1), theory_level="advanced")
    assert rules.candidate_warnings(fine, start, PARAMS) == []
    bad = rules.Profile(
        "M", date(1960, 1, 1), theory_level="none", active=False, disciplined=True, grade="kht"
    )
    assert len(rules.candidate_warnings(bad, start, PARAMS)) == 5


def test_post_count_limits():
    assert rules.post_count_warning(1, PARAMS).startswith("Chưa đủ")
    assert rules.post_count_warning(2, PARAMS) is None
    assert rules.post_count_warning(4, PARAMS) is None
    assert rules.post_count_warning(5, PARAMS).startswith("Vượt")
    assert rules.posts_per_person_ok(3, PARAMS) and not rules.posts_per_person_ok(4, PARAMS)


def test_composition_against_targets():
    start = date(2025, 10, 1)
    profiles = [
        rules.Profile("F", date(1990, 1, 1), ethnicity="Tày"),
        rules.Profile("M", date(1975, 1, 1)),
        rules.Profile("M", date(1980, 1, 1)),
        rules.Profile("F", date(1985, 10, 1)),  # exactly 40 at the start: young
    ]
    result = rules.composition(profiles, start, PARAMS)
    assert result["total"] == 4
    assert result["women"] == {"count": 2, "share": 50.0, "target": 25.0, "met": True}
    assert result["young"]["count"] == 2
    assert result["ethnic_minority"]["count"] == 1
    assert rules.composition([], start, PARAMS)["women"]["share"] == 0.0


def test_comment_deadline_and_overdue():
    due = rules.comment_due(date(2025, 3, 1), 15)
    assert due == date(2025, 3, 16)
    assert not rules.is_overdue(due, None, date(2025, 3, 16))
    assert rules.is_overdue(due, None, date(2025, 3, 17))
    assert not rules.is_overdue(due, date(2025, 3, 20), date(2025, 4, 1))


def test_term_names_with_years_match_the_dates():
    problem = rules.term_name_problem
    assert problem("Khóa XV", date(2026, 11, 20), date(2031, 11, 20)) is None
    assert problem("2025–2030", date(2025, 10, 1), date(2030, 10, 1)) is None
    assert problem("2025-2030", date(2024, 12, 20), date(2030, 3, 1)) is None  # held early
    assert "bắt đầu năm 2025" in problem("2025–2030", date(2026, 11, 20), date(2031, 11, 20))
    assert "kết thúc năm 2030" in problem("2025—2030", date(2025, 3, 1), date(2032, 3, 1))
    assert "năm cuối phải sau" in problem("2030–2025", date(2030, 1, 1), date(2035, 1, 1))


@given(st.integers(1950, 2090), st.integers(1, 7), st.dates())
def test_a_term_named_by_its_own_years_is_accepted(first, years, day):
    starts = date(first, 1 + day.month % 12, min(day.day, 28))
    assert (
        rules.term_name_problem(f"{first}–{first + years}", starts, rules.term_end(starts, years))
        is None
    )
