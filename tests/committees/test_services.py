"""Congresses, elections, mid-term changes, the committee on a date, positions, scope,
planning and comments through the services."""

from datetime import date

import pytest

from dangbo.committees import queries, services
from dangbo.committees.models import (
    Candidate,
    CommitteeChange,
    PlanningCandidate,
    PostPeriod,
    Term,
)
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.members.models import Discipline
from dangbo.organizations.models import OrgType
from tests import factories

pytestmark = pytest.mark.django_db


def test_congress_opens_a_term_of_five_years(congress):
    assert congress.term.starts_on == date(2020, 7, 10)
    assert congress.term.ends_on == date(2025, 7, 10)


def test_congress_refuses_more_present_than_summoned(tree):
    with pytest.raises(DomainError) as error:
        services.record_congress(
            organization=tree["committee"],
            term_name="2020–2025",
            held_on=date(2020, 7, 10),
            delegates_summoned=10,
            delegates_present=11,
        )
    assert error.value.field == "delegates_present"
    assert not Term.objects.exists()


def test_election_more_than_half_and_seats(elected, people):
    election = elected.elections.get(body="committee")
    won = set(
        Candidate.objects.filter(election=election, elected=True).values_list(
            "member_id", flat=True
        )
    )
    # 110, 105, …, 70 votes of 118: the first 7 pass (> 59) and fill the 7 seats
    assert won == {m.pk for m in people[:7]}
    loser = Candidate.objects.get(election=election, member=people[8])
    assert loser.percent == round(100 * 70 / 118, 2)


def test_election_below_half_is_not_elected(congress, people):
    election = services.record_election(
        congress,
        body="inspection",
        held_on=date(2020, 7, 11),
        seats=3,
        voters=100,
        results=[services.Vote(people[0], 50), services.Vote(people[1], 51)],
    )
    assert [c.elected for c in election.candidates.order_by("-votes")] == [True, False]


def test_threshold_is_dated_data(congress, people):
    RuleParameter.objects.create(
        key="committees.election_threshold", value="2/3", valid_from=date(2020, 1, 1)
    )
    election = services.record_election(
        congress,
        body="inspection",
        held_on=date(2020, 7, 11),
        seats=3,
        voters=90,
        results=[services.Vote(people[0], 60), services.Vote(people[1], 61)],
    )
    assert election.threshold == "2/3"
    assert [c.elected for c in election.candidates.order_by("-votes")] == [True, False]


def test_secretary_must_be_in_the_committee(congress, people):
    services.record_election(
        congress,
        body="committee",
        held_on=date(2020, 7, 11),
        seats=1,
        voters=100,
        results=[services.Vote(people[1], 90)],
    )
    with pytest.raises(DomainError):
        services.record_election(
            congress,
            body="secretary",
            held_on=date(2020, 7, 11),
            seats=1,
            voters=7,
            results=[services.Vote(people[0], 7)],
        )


def test_candidate_outside_the_org_is_refused(congress, tree):
    with pytest.raises(DomainError) as error:
        services.record_election(
            congress,
            body="committee",
            held_on=date(2020, 7, 11),
            seats=1,
            voters=100,
            results=[services.Vote(tree["village_members"][0], 90)],
        )
    assert error.value.field == "results"
    assert not PostPeriod.objects.exists()


def test_committee_on_a_date_follows_the_changes(elected, tree, people):
    org = tree["committee"]
    on = queries.committee_on(org, date(2021, 1, 1))
    assert len(on) == 7
    assert on[0].member == people[0] and "Bí thư" in on[0].labels
    services.record_change(
        organization=org,
        kind="resignation",
        member=people[0],
        post="committee_member",
        on=date(2022, 3, 1),
        reason="Nghỉ hưu trước tuổi",
    )
    services.record_change(
        organization=org,
        kind="additional_election",
        member=people[7],
        post="committee_member",
        on=date(2022, 4, 1),
        votes=100,
        voters=118,
    )
    services.record_change(
        organization=org,
        kind="appointment",
        member=people[1],
        post="secretary",
        on=date(2022, 4, 15),
        decision_number="45-QĐ/ĐUK",
    )
    before = {s.member.pk for s in queries.committee_on(org, date(2022, 2, 28))}
    after = queries.committee_on(org, date(2022, 5, 1))
    assert people[0].pk in before and people[0].pk not in {s.member.pk for s in after}
    assert people[7].pk in {s.member.pk for s in after}
    assert after[0].member == people[1]  # the new secretary comes first
    # resigning from the committee ended the secretary post too
    assert PostPeriod.objects.get(member=people[0], post="secretary").valid_to == date(2022, 3, 1)
    assert CommitteeChange.objects.count() == 3


def test_additional_election_below_half_is_refused(elected, tree, people):
    with pytest.raises(DomainError) as error:
        services.record_change(
            organization=tree["committee"],
            kind="additional_election",
            member=people[8],
            post="committee_member",
            on=date(2022, 4, 1),
            votes=59,
            voters=118,
        )
    assert error.value.field == "votes"


def test_new_congress_ends_the_old_committee(elected, tree, people):
    services.record_congress(
        organization=tree["committee"],
        term_name="2025–2030",
        held_on=date(2025, 7, 5),
        delegates_summoned=100,
        delegates_present=95,
    )
    assert queries.committee_on(tree["committee"], date(2025, 7, 5)) == []
    assert len(queries.committee_on(tree["committee"], date(2025, 7, 4))) == 7
    assert PostPeriod.objects.filter(end_kind="term_ended").count() == 9


def test_schedule_due_and_late(congress, tree):
    rows = {
        r.organization.pk: r
        for r in queries.schedule(tree["province"].__class__.objects.all(), date(2025, 3, 1))
    }
    assert rows[tree["committee"].pk].status == "due"
    assert rows[tree["cell_a"].pk].status == "none"
    late = queries.schedule(tree["province"].__class__.objects.all(), date(2025, 8, 1), "late")
    assert [r.organization.pk for r in late] == [tree["committee"].pk]


def test_who_holds_and_agency_positions(elected, tree, people):
    services.record_agency_position(
        member=people[0],
        category="government",
        title="Giám đốc Sở",
        agency="Sở Tư pháp",
        valid_from=date(2019, 1, 1),
    )
    rows = queries.who_holds(
        PostPeriod.objects.all(), tree["bloc"].path, date(2021, 1, 1), "secretary"
    )
    assert [r.member for r in rows] == [people[0]]
    party, agency = queries.current_posts_of(people[0], date(2021, 1, 1))
    assert {p.post for p in party} == {"committee_member", "secretary"}
    assert agency[0].title == "Giám đốc Sở"
    with pytest.raises(DomainError):
        services.end_agency_position(agency[0], date(2018, 1, 1))


def test_management_scope_gives_the_cadre_list(elected, tree, people):
    services.record_agency_position(
        member=people[2],
        category="government",
        title="Phó Giám đốc Sở",
        agency="Sở Tư pháp",
        valid_from=date(2019, 1, 1),
    )
    services.add_scope(
        organization=tree["bloc"],
        valid_from=date(2015, 1, 1),
        party_post="secretary",
        org_type=OrgType.objects.get(code="grassroots_committee"),
    )
    services.add_scope(
        organization=tree["bloc"],
        valid_from=date(2015, 1, 1),
        agency_category="government",
        title_contains="Giám đốc",
    )
    groups = queries.cadres_of(tree["bloc"], date(2021, 1, 1))
    assert [r.member for r in groups[0][1]] == [people[0]]
    assert [r.member for r in groups[1][1]] == [people[2]]
    with pytest.raises(DomainError):
        services.add_scope(organization=tree["bloc"], valid_from=date(2015, 1, 1))


def test_planning_limits_conditions_and_warnings(congress, tree, people):
    term = congress.term
    post = services.add_planned_post(term=term, title="Bí thư Đảng ủy")
    for member in people[:4]:
        services.add_candidate(planned_post=post, member=member, added_on=date(2021, 1, 5))
    with pytest.raises(DomainError):  # at most 4 per post
        services.add_candidate(planned_post=post, member=people[4], added_on=date(2021, 1, 5))
    old = factories.member(
        tree["cell_a"], "Cao Văn Già", birth_date=date(1955, 1, 1), theory_level="advanced"
    )
    other = services.add_planned_post(term=term, title="Phó Bí thư")
    with pytest.raises(DomainError):  # too old at the start of the term
        services.add_candidate(planned_post=other, member=old, added_on=date(2021, 1, 5))
    untrained = factories.member(tree["cell_a"], "Chu Văn Trẻ", birth_date=date(1990, 1, 1))
    with pytest.raises(DomainError):  # theory level below the requirement
        services.add_candidate(planned_post=other, member=untrained, added_on=date(2021, 1, 5))
    Discipline.objects.create(
        member=people[1],
        form="reprimand",
        decided_on=date(2022, 5, 1),
        decision_number="1",
        authority="UBKT",
        reason="Vi phạm",
    )
    rows, composition, _ = queries.planning_overview(
        term, term.planned_posts.all(), date(2023, 1, 1)
    )
    by_member = {c.member.pk: c for c in rows[0].candidates}
    assert any("kỷ luật" in w for w in by_member[people[1].pk].warnings)
    assert by_member[people[0].pk].warnings == []
    assert rows[1].warning.startswith("Chưa đủ")
    assert composition["total"] == 4 and composition["women"]["count"] == 2
    candidate = PlanningCandidate.objects.get(member=people[1])
    services.remove_candidate(candidate, removed_on=date(2023, 1, 10), reason="Bị kỷ luật")
    with pytest.raises(DomainError):
        services.remove_candidate(candidate, removed_on=date(2023, 1, 10), reason="Lần nữa")
    services.add_candidate(planned_post=post, member=people[4], added_on=date(2023, 1, 10))


def test_comments_requests_and_responses(tree, people):
    comment = services.request_appointment_comment(
        organization=tree["committee"],
        member=people[0],
        kind="reappointment",
        post="Giám đốc Sở Tư pháp",
        requesting_agency="Sở Nội vụ",
        requested_on=date(2025, 3, 1),
    )
    assert comment.due_on == date(2025, 3, 16)
    services.respond_appointment_comment(
        comment, responded_on=date(2025, 3, 10), opinion="agree", content="Đủ tiêu chuẩn."
    )
    with pytest.raises(DomainError):
        services.respond_appointment_comment(
            comment, responded_on=date(2025, 3, 10), opinion="agree", content="Lần nữa"
        )
    residence = services.request_residence_comment(
        member=people[0], residence_org=tree["village"], year=2025, requested_on=date(2025, 10, 1)
    )
    with pytest.raises(DomainError):
        services.request_residence_comment(
            member=people[0],
            residence_org=tree["village"],
            year=2025,
            requested_on=date(2025, 10, 1),
        )
    with pytest.raises(DomainError):  # the residence must be a cell
        services.request_residence_comment(
            member=people[1],
            residence_org=tree["commune"],
            year=2025,
            requested_on=date(2025, 10, 1),
        )
    services.respond_residence_comment(
        residence, responded_on=date(2025, 10, 10), assessment="good", content="Gương mẫu."
    )
    from dangbo.core import hooks

    rows = hooks.call("committees.member_comments", people[0], 2025)
    assert {r["source"] for r in rows} == {"residence", "appointment"}


def test_a_cell_without_committee_elects_its_secretary(tree, people):
    congress = services.record_congress(
        organization=tree["cell_a"],
        term_name="2025–2030",
        held_on=date(2025, 4, 1),
        delegates_summoned=12,
        delegates_present=12,
    )
    services.record_election(
        congress,
        body="secretary",
        held_on=date(2025, 4, 1),
        seats=1,
        voters=12,
        results=[services.Vote(people[0], 11)],
    )
    assert [s.labels for s in queries.committee_on(tree["cell_a"], date(2025, 5, 1))] == ["Bí thư"]


def test_planning_warns_on_a_bad_grade_when_reviews_answer(congress, people, monkeypatch):
    from dangbo.core import hooks

    post = services.add_planned_post(term=congress.term, title="Bí thư")
    services.add_candidate(planned_post=post, member=people[0], added_on=date(2021, 1, 5))
    monkeypatch.setitem(
        hooks._providers, "reviews.member_grades", lambda ids, year: {people[0].pk: "kht"}
    )
    rows, _, _ = queries.planning_overview(congress.term, [post], date(2023, 1, 1))
    assert rows[0].candidates[0].warnings == ["Xếp loại không hoàn thành nhiệm vụ."]


def test_a_party_committee_elects_its_secretary_among_the_committee_only(congress, people):
    """A đảng bộ's congress without a committee election cannot record a secretary (#23)."""
    with pytest.raises(DomainError, match="chưa là cấp ủy viên khóa này"):
        services.record_election(
            congress,
            body="secretary",
            held_on=date(2020, 7, 11),
            seats=1,
            voters=7,
            results=[services.Vote(people[0], 7)],
        )
    assert not congress.elections.exists()


def test_a_term_named_with_years_must_match_its_dates(tree):
    with pytest.raises(DomainError, match="không mở nhiệm kỳ «2025–2030»") as error:
        services.record_congress(
            organization=tree["cell_b"],
            term_name="2025–2030",
            held_on=date(2026, 11, 20),
            delegates_summoned=10,
            delegates_present=10,
        )
    assert error.value.field == "term_name"
    assert not Term.objects.filter(organization=tree["cell_b"]).exists()
    term = services.record_congress(
        organization=tree["cell_b"],
        term_name="Nhiệm kỳ 2025 - 2030",
        held_on=date(2025, 6, 2),
        delegates_summoned=10,
        delegates_present=10,
    ).term
    assert (term.starts_on, term.ends_on) == (date(2025, 6, 2), date(2030, 6, 2))
