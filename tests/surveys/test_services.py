from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import InvitedSuperior
from dangbo.surveys import queries, rules, services
from dangbo.surveys.models import AccessCode, Answer, Response, Selection
from tests.surveys import builders


def test_campaign_needs_scheme_and_period(tree):
    with pytest.raises(DomainError) as error:
        services.create_campaign(
            organization=tree["committee"],
            title="Khảo sát",
            purpose="Đánh giá",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
            document=builders.document(tree["committee"]),
        )
    assert error.value.field == "ends_on"
    with pytest.raises(DomainError) as error:
        services.create_campaign(
            organization=tree["committee"],
            title="Khảo sát",
            purpose="Đánh giá",
            starts_on=date(2026, 4, 1),
            ends_on=date(2026, 5, 1),
        )
    assert error.value.field == "document"


def test_random_sample_is_reproducible_from_recorded_seed(tree):
    first = builders.campaign(tree["province"])
    rows = services.draw_sample(first, size=2, seed=12345)
    first.refresh_from_db()
    assert first.sample_seed == 12345 and len(rows) == 2
    assert {r.selection for r in rows} == {Selection.RANDOM}
    second = builders.campaign(tree["province"], doc=first.document)
    again = services.draw_sample(second, size=2, seed=12345)
    assert [r.organization_id for r in rows] == [r.organization_id for r in again]
    with pytest.raises(DomainError):
        services.draw_sample(first, size=1, seed=1)


def test_sample_criteria_filter_types_and_size(tree):
    c = builders.campaign(tree["province"])
    rows = services.draw_sample(c, size=10, seed=1, criteria={"types": ["grassroots_cell"]})
    assert [r.organization for r in rows] == [tree["village"]]
    c2 = builders.campaign(tree["province"], doc=c.document)
    rows = services.draw_sample(c2, size=10, seed=1, criteria={"min_members": 2})
    assert [r.organization for r in rows] == [tree["cell_a"]]
    assert rows[0].member_count == 3


def test_hand_pick_refuses_outside_and_duplicates(tree):
    c = builders.campaign(tree["committee"])
    services.add_to_sample(c, organization=tree["cell_a"])
    with pytest.raises(DomainError):
        services.add_to_sample(c, organization=tree["cell_a"])
    with pytest.raises(DomainError):
        services.add_to_sample(c, organization=tree["village"])


def test_visit_is_recorded_in_the_meeting(tree):
    c = builders.campaign(tree["committee"], ends_on=date(2026, 12, 31))
    sampled = services.add_to_sample(c, organization=tree["cell_a"])
    meeting = meeting_services.plan_meeting(
        organization=tree["cell_a"], kind="regular", planned_on=date(2026, 3, 10), topic="X"
    )
    team = services.add_team(
        c, name="Tổ 1", leader_name="Trần Văn Tổ", members=[("Lê Thị Viên", "Chuyên viên")]
    )
    visit = services.schedule_visit(team, sampled_org=sampled, visit_on=date(2026, 3, 10))
    assert visit.meeting == meeting
    names = set(InvitedSuperior.objects.filter(meeting=meeting).values_list("full_name", flat=True))
    assert names == {"Trần Văn Tổ", "Lê Thị Viên"}
    other = services.schedule_visit(team, sampled_org=sampled, visit_on=date(2026, 4, 10))
    assert other.meeting is None
    with pytest.raises(DomainError):
        services.schedule_visit(team, sampled_org=sampled, visit_on=date(2027, 1, 10))


def test_published_version_is_frozen_and_new_version_copies(running):
    c, version, cu, dv = running
    with pytest.raises(DomainError):
        services.add_question(version, kind="text", text="Thêm")
    v2 = services.new_version(c)
    assert v2.number == 2 and v2.questions.count() == 4 and not v2.is_published
    services.add_question(v2, kind="text", text="Câu mới")
    assert version.questions.count() == 4


def test_choice_question_needs_options(running):
    c, *_ = running
    v2 = services.new_version(c)
    with pytest.raises(DomainError):
        services.add_question(v2, kind="single", text="Chọn", options=["Một"])


def _rows(sample, *rows):
    return [services.PaperRow(g, sample.pk if sample else None, list(cells)) for g, cells in rows]


def test_paper_entry_saves_rows_and_keeps_version(running):
    c, version, cu, dv = running
    sample = c.sample.first()
    saved = services.enter_paper(
        c,
        version,
        _rows(sample, ("cu", ["1", "13", "5", "Tốt"]), ("", []), ("DV", ["2", "2", "3", ""])),
    )
    assert len(saved) == 2
    assert {r.version_id for r in saved} == {version.pk}
    assert Answer.objects.filter(response__in=saved).count() == 4 + 1 + 3
    assert saved[0].org_type == sample.org_type


def test_paper_entry_is_all_or_nothing_with_row_number(running):
    c, version, *_ = running
    with pytest.raises(DomainError) as error:
        services.enter_paper(
            c, version, _rows(None, ("CU", ["1", "", "5", ""]), ("DV", ["3", "", "", ""]))
        )
    assert error.value.row == 2 and "phương án 3" in error.value.message
    assert Response.objects.count() == 0


def test_one_time_code_answers_once(running):
    c, version, cu, dv = running
    issued = services.issue_codes(c, group=dv, count=2)
    stored = set(AccessCode.objects.values_list("code_hash", flat=True))
    assert all(code.replace("-", "") not in "".join(stored) for code in issued.codes)
    q = {x.position: x.pk for x in version.questions.all()}
    services.answer_with_code(issued.codes[0], {q[1]: "1", q[3]: "4", q[2]: ["1", "2"]})
    with pytest.raises(DomainError) as error:
        services.answer_with_code(issued.codes[0], {q[1]: "1"})
    assert "đã được dùng" in error.value.message
    with pytest.raises(DomainError):
        services.answer_with_code("SAI-MA", {q[1]: "1"})
    assert Response.objects.count() == 1
    assert AccessCode.objects.filter(used=True).count() == 1


def test_anonymous_answers_are_not_linked_to_anyone(running):
    """No column of a response or answer points to a person, an account or a code, no
    timestamp is kept, and the change log holds no response/answer/code rows."""
    c, version, cu, dv = running
    issued = services.issue_codes(c, group=dv, count=1)
    q = version.questions.first()
    response = services.answer_with_code(issued.codes[0], {q.pk: "1"})
    services.enter_paper(c, version, _rows(None, ("CU", ["2"])))
    assert Response.objects.filter(member__isnull=False).count() == 0
    for model in (Response, Answer, AccessCode):
        related = {
            f.related_model._meta.label
            for f in model._meta.get_fields()
            if f.is_relation and f.many_to_one
        }
        assert not related & {"auth.User", "surveys.AccessCode", "surveys.Response"} - {
            "surveys.Response" if model is Answer else ""
        }
        assert not [
            f.name for f in model._meta.get_fields() if f.get_internal_type() == "DateTimeField"
        ]
    assert "members.Member" not in {
        f.related_model._meta.label for f in AccessCode._meta.get_fields() if f.is_relation
    }
    types = ContentType.objects.get_for_models(Response, Answer, AccessCode).values()
    assert not LogEntry.objects.filter(content_type__in=types).exists()
    assert response.member_id is None


def test_named_campaign_keeps_member(tree):
    c, version, cu, dv = builders.running(tree["committee"], anonymous=False)
    # paper entry never records a member; the column exists only for named campaigns
    r = services._save(c, version, dv, None, "paper", [], member=tree["members_a"][0])
    assert r.member == tree["members_a"][0]
    anon, v2, cu2, dv2 = builders.running(tree["committee"])
    r2 = services._save(anon, v2, dv2, None, "paper", [], member=tree["members_a"][0])
    assert r2.member is None


def test_results_counts_shares_averages_and_verdict(running):
    c, version, cu, dv = running
    rows = [("CU", ["1", "12", "5", "Tốt"])] * 3 + [("DV", ["2", "3", "4", ""])] * 3
    services.enter_paper(c, version, _rows(c.sample.first(), *rows))
    result = queries.results(version, thresholds={"surveys.min_group_respondents": 1})
    assert result.responses == 6
    labels = [col.label for col in result.columns]
    assert labels[:3] == ["Chung", "Cấp ủy viên", "Đảng viên"]
    q1, q2, q3, q4 = result.questions
    assert q1.rows[0].counts[:3] == [3, 3, 0] and q1.rows[0].shares[:3] == [50.0, 100.0, 0.0]
    assert q2.rows[0].counts[0] == 3 and q2.rows[2].counts[0] == 3
    assert q3.averages[:3] == [4.5, 5.0, 4.0]
    assert q3.verdict == "worked"
    assert [a.text for a in q4.texts] == ["Tốt"] * 3


def test_results_in_few_queries(running, django_assert_max_num_queries):
    c, version, *_ = running
    services.enter_paper(c, version, _rows(None, *[("CU", ["1", "1", "3", "x"])] * 20))
    with django_assert_max_num_queries(8):
        queries.results(version)


def test_finding_becomes_programmes_task(running, tree):
    c, *_ = running
    finding = services.record_finding(c, kind="recommendation", text="Tăng sinh hoạt chuyên đề")
    services.finding_to_task(finding, assignee_org=tree["cell_a"], due_on=date(2099, 1, 1))
    from django.apps import apps

    task = apps.get_model("programmes", "Task").objects.get(pk=finding.task_id_ref)
    assert task.source_ref == f"surveys.finding:{finding.pk}"
    assert task.assignee_org == tree["cell_a"]
    with pytest.raises(DomainError):
        services.finding_to_task(finding, assignee_org=tree["cell_a"], due_on=date(2099, 1, 1))


def test_closed_campaign_refuses_answers(running):
    c, version, cu, dv = running
    issued = services.issue_codes(c, group=dv, count=1)
    services.close_campaign(c)
    with pytest.raises(DomainError):
        services.answer_with_code(issued.codes[0], {version.questions.first().pk: "1"})
    assert rules.hash_code(issued.codes[0]) in set(
        AccessCode.objects.filter(used=False).values_list("code_hash", flat=True)
    )


def test_results_hide_groups_under_the_floor_and_what_would_reveal_them(running):
    """k = 5 (the dated default): 3 CU and 9 DV respondents. CU is hidden, and so is DV —
    else CU = everyone − DV. The org types: 12 in one type, shown. A free-text answer is not
    labelled with a hidden group."""
    c, version, cu, dv = running
    rows = [("CU", ["1", "12", "5", "Tốt"])] * 3 + [("DV", ["2", "3", "4", "Khá"])] * 9
    services.enter_paper(c, version, _rows(c.sample.first(), *rows))
    result = queries.results(version, thresholds=services.thresholds(c))
    assert result.min_respondents == 5
    labels = [col.label for col in result.columns]
    assert labels[:3] == ["Chung", "Cấp ủy viên", "Đảng viên"]
    q1, _q2, q3, q4 = result.questions
    assert q1.respondents == [12, None, None, 12]
    assert q1.rows[0].counts == [3, None, None, 3] and q1.rows[0].shares[1:3] == [None, None]
    assert q3.averages[1:3] == [None, None] and q3.averages[0] == 4.25
    assert len(q4.texts) == 12 and {a.group_label for a in q4.texts} == {""}
    assert result.responses_by_column[1:3] == [None, None]
    # Below the floor in total: nothing but the count of responses is shown.
    few = builders.running(c.organization, title="Khảo sát nhỏ")
    services.enter_paper(few[0], few[1], _rows(None, *[("CU", ["1", "1", "3", "x"])] * 2))
    small = queries.results(few[1], thresholds=services.thresholds(few[0]))
    assert small.responses == 2 and all(all(q.hidden) for q in small.questions)
    assert small.questions[3].texts == []


def test_a_campaign_past_its_end_date_no_longer_collects(tree):
    """Its status reads "Hết thời gian khảo sát", not "Đang khảo sát": codes are refused,
    paper questionnaires collected in time can still be typed in until it is closed."""
    ended, version, cu, dv = builders.running(tree["committee"], ends_on=date(2026, 6, 30))
    assert ended.status == "running" and ended.phase == rules.ENDED
    issued = services.issue_codes(ended, group=dv, count=1)
    with pytest.raises(DomainError, match="đã kết thúc ngày 30/06/2026"):
        services.answer_with_code(issued.codes[0], {version.questions.first().pk: "1"})
    services.enter_paper(ended, version, _rows(None, ("DV", ["1", "1", "3", ""])))
    services.close_campaign(ended)
    ended.refresh_from_db()
    assert ended.phase == rules.CLOSED
    with pytest.raises(DomainError):
        services.enter_paper(ended, version, _rows(None, ("DV", ["1", "1", "3", ""])))


@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=10),
)
def test_suppression_leaves_nothing_under_the_floor_readable(counts, k):
    hidden = rules.suppressed(counts, k)
    for n, h in zip(counts, hidden, strict=True):
        if 0 < n < k:
            assert h  # under the floor: hidden
        if not h:
            assert n == 0 or n >= k
    together = sum(n for n, h in zip(counts, hidden, strict=True) if h)
    # what can be derived (everyone − the columns shown) covers at least k people, or the
    # whole table is hidden because everyone together is under k
    assert (
        together == 0
        or together >= k
        or all(h or n == 0 for n, h in zip(counts, hidden, strict=True))
    )
    total = [sum(counts)] + counts
    table = rules.hidden_columns(total, [list(range(1, len(total)))], k)
    if 0 < total[0] < k:
        assert all(table)
    else:
        assert table[1:] == hidden
