"""Committee screens: forms through the services, the committee on a date, positions on the
member's record, exports, restriction, and query counts of the main pages."""

import re
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from dangbo.committees import services
from dangbo.committees.models import Candidate, Congress, PostPeriod
from dangbo.members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db


def test_record_congress_and_election_through_the_screens(client, officer, tree, people):
    client.force_login(officer)
    org = tree["committee"]
    response = client.post(
        reverse("committees:congress_add", args=[org.pk]),
        {
            "term_name": "2020–2025",
            "number": "5",
            "held_on": "10/07/2020",
            "delegates_summoned": "120",
            "delegates_present": "118",
        },
    )
    congress = Congress.objects.get()
    assert response.status_code == 302 and response["Location"] == congress.get_absolute_url()
    lines = "\n".join(f"{m.full_name} | {100 - 5 * n}" for n, m in enumerate(people[:5]))
    response = client.post(
        reverse("committees:election_add", args=[congress.pk]),
        {
            "body": "committee",
            "held_on": "10/07/2020",
            "seats": "3",
            "voters": "118",
            "results": lines,
        },
    )
    assert response.status_code == 302
    assert Candidate.objects.filter(elected=True).count() == 3
    page = client.get(congress.get_absolute_url()).content.decode()
    assert "Trúng cử" in page and "84,75%" in page
    page = client.get(reverse("committees:org", args=[org.pk]) + "?on=01/01/2021")
    assert people[0].full_name in page.content.decode()
    page = client.get(reverse("committees:org", args=[org.pk]) + "?on=01/01/2019")
    assert people[0].full_name not in page.content.decode()


def test_election_form_reports_unknown_names(client, officer, congress):
    client.force_login(officer)
    response = client.post(
        reverse("committees:election_add", args=[congress.pk]),
        {
            "body": "committee",
            "held_on": "10/07/2020",
            "seats": "3",
            "voters": "118",
            "results": "Không Có Ai | 50",
        },
    )
    assert response.status_code == 200
    assert "không tìm thấy đảng viên" in response.content.decode()
    assert not PostPeriod.objects.exists()


def test_service_errors_become_form_errors(client, officer, congress, people):
    client.force_login(officer)
    response = client.post(
        reverse("committees:election_add", args=[congress.pk]),
        {
            "body": "secretary",
            "held_on": "10/07/2020",
            "seats": "2",
            "voters": "7",
            "results": f"{people[0].full_name} | 7",
        },
    )
    assert response.status_code == 200
    assert "Mỗi cấp ủy bầu một bí thư" in response.content.decode()


def test_change_form(client, officer, elected, tree, people):
    client.force_login(officer)
    response = client.post(
        reverse("committees:change_add", args=[tree["committee"].pk]),
        {
            "kind": "resignation",
            "member": people[2].pk,
            "post": "committee_member",
            "on": "01/03/2022",
            "reason": "Chuyển công tác",
        },
    )
    assert response.status_code == 302
    assert PostPeriod.objects.get(member=people[2]).valid_to == date(2022, 3, 1)


def test_positions_on_the_member_record(client, officer, elected, people):
    client.force_login(officer)
    response = client.post(
        reverse("committees:agency_add", args=[people[0].pk]),
        {
            "category": "government",
            "title": "Giám đốc Sở",
            "agency": "Sở Tư pháp",
            "valid_from": "01/01/2019",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("members:detail", args=[people[0].pk])).content.decode()
    assert 'id="party-posts"' in page and "Bí thư" in page and "Giám đốc Sở" in page


def test_member_record_without_committee_rights_shows_no_positions(client, tree, elected, people):
    viewer = factories.user("chixem", role_code="viewer", on=tree["committee"])
    client.force_login(viewer)
    page = client.get(reverse("members:detail", args=[people[0].pk])).content.decode()
    assert 'id="party-posts"' not in page


def test_holders_and_exports(client, officer, elected, tree, people):
    client.force_login(officer)
    page = client.get(reverse("committees:holders") + "?post=secretary&on=01/01/2021")
    assert people[0].full_name in page.content.decode()
    assert people[2].full_name not in page.content.decode()
    response = client.get(reverse("committees:holders_export") + "?on=01/01/2021")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get(reverse("committees:org_export", args=[tree["committee"].pk]))
    assert response.status_code == 200


def test_bad_date_is_a_400_naming_it(client, officer, elected, tree):
    client.force_login(officer)
    response = client.get(reverse("committees:org", args=[tree["committee"].pk]) + "?on=31/02/x")
    assert response.status_code == 400
    assert "tham số «on»" in response.content.decode()
    assert "dd/mm/yyyy" in response.content.decode()


def test_outside_the_subtree_is_404(client, outsider, elected, tree):
    client.force_login(outsider)
    assert client.get(reverse("committees:org", args=[tree["committee"].pk])).status_code == 404
    assert client.get(elected.get_absolute_url()).status_code == 404


def test_planning_is_hidden_from_plain_viewers(client, tree, congress):
    inspector = factories.user("kt", role_code="inspection_officer", on=tree["committee"])
    client.force_login(inspector)
    assert client.get(reverse("committees:planning_index")).status_code == 404
    assert client.get(reverse("committees:planning", args=[congress.term.pk])).status_code == 404
    assert client.get(reverse("committees:org", args=[tree["committee"].pk])).status_code == 200


def test_planning_screens(client, officer, congress, people):
    client.force_login(officer)
    term = congress.term
    client.post(reverse("committees:post_add", args=[term.pk]), {"title": "Bí thư Đảng ủy"})
    post = term.planned_posts.get()
    response = client.post(
        reverse("committees:candidate_add", args=[post.pk]),
        {"member": people[0].pk, "added_on": "05/01/2021", "reason": "Hội nghị cán bộ"},
    )
    assert response.status_code == 302
    page = client.get(reverse("committees:planning", args=[term.pk])).content.decode()
    assert people[0].full_name in page and "Chưa đủ số người tối thiểu" in page
    shares = re.findall(r'text-end">([0-9.,]+)%</td>', page)
    assert shares and all("." not in share for share in shares)  # 33,3% — a decimal comma
    response = client.get(reverse("committees:planning_export", args=[term.pk]))
    assert response.status_code == 200
    response = client.get(reverse("committees:planning_docx", args=[term.pk]))
    assert response["Content-Disposition"].endswith('.docx"')
    # the confidential screen and both exports are in the access log, by whom and on what
    entries = LogEntry.objects.filter(actor=officer, action=LogEntry.Action.ACCESS).order_by("id")
    screen, xlsx, docx = entries
    assert (screen.object_id, screen.additional_data["screen"]) == (term.pk, "planning")
    assert screen.additional_data["candidates"] == 1
    assert xlsx.additional_data["term"] == docx.additional_data["term"] == term.pk
    assert {xlsx.additional_data["filename"][-4:], docx.additional_data["filename"][-4:]} == {
        "xlsx",
        "docx",
    }


def test_comments_screen_lists_overdue(client, officer, tree, people):
    client.force_login(officer)
    services.request_appointment_comment(
        organization=tree["committee"],
        member=people[0],
        kind="appointment",
        post="Trưởng phòng",
        requesting_agency="Sở Nội vụ",
        requested_on=date(2020, 1, 1),
    )
    page = client.get(reverse("committees:comments") + "?overdue=1").content.decode()
    assert "Quá hạn" in page and "Trưởng phòng" in page


def test_pickers(client, officer, people):
    client.force_login(officer)
    page = client.get(reverse("committees:pick_member"), {"q": "hoang minh", "field": "id_member"})
    assert people[0].full_name in page.content.decode()
    page = client.get(reverse("committees:pick_org"), {"q": "so tu phap", "field": "x"})
    assert "Đảng bộ Sở Tư pháp" in page.content.decode()


def test_main_pages_query_counts(
    client, officer, elected, tree, people, django_assert_max_num_queries
):
    client.force_login(officer)
    for member in people[:7]:
        services.record_agency_position(
            member=member,
            category="government",
            title="Chuyên viên",
            agency="Sở",
            valid_from=date(2019, 1, 1),
        )
    post = services.add_planned_post(term=elected.term, title="Bí thư")
    for member in people[:3]:
        services.add_candidate(planned_post=post, member=member, added_on=date(2021, 1, 1))
    client.get(reverse("committees:index"))  # warm caches (sessions, content types)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("committees:index")).status_code == 200
    with django_assert_max_num_queries(14):
        url = reverse("committees:org", args=[tree["committee"].pk]) + "?on=01/01/2021"
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(elected.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("committees:holders") + "?on=01/01/2021").status_code == 200
    with django_assert_max_num_queries(14):
        url = reverse("committees:planning", args=[elected.term.pk])
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("committees:comments")).status_code == 200
    assert Member.objects.count() > 10
