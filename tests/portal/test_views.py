import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.committees import services as committee_services
from dangbo.members.models import Member
from dangbo.portal import services
from dangbo.portal.models import CorrectionRequest, MeetingReply, MemberAccount, Notification
from dangbo.reviews import services as review_services
from dangbo.reviews.models import MemberReview
from tests import factories
from tests.paper_helpers import own_rows
from tests.portal.conftest import login

# The record reads a dozen small lists (history, training, badges…) and logs the access.
MAX_QUERIES = {"portal:record": 18, "portal:index": 12}
MEMBER_PAGES = [
    "portal:index",
    "portal:record",
    "portal:correct",
    "portal:meetings",
    "portal:tasks",
    "portal:dues",
    "portal:review",
    "portal:notifications",
    "portal:password",
]


def test_first_login_forces_a_password_change(portal, client):
    account = portal["accounts"][portal["alice"].pk]
    password = services.reset_password(account)
    assert client.login(username=account.user.username, password=password)
    for url in ("/", "/portal/", "/portal/dues/", "/members/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/portal/password/", url
    response = client.post(
        "/portal/password/",
        {"old_password": password, "new_password1": "ngan", "new_password2": "ngan"},
    )
    assert response.status_code == 200 and "quá ngắn" in response.content.decode()
    response = client.post(
        "/portal/password/",
        {
            "old_password": password,
            "new_password1": "Cay-tre-xanh-2026",
            "new_password2": "Cay-tre-xanh-2026",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/").headers["Location"] == "/portal/"  # a member's home is the portal
    assert client.get("/portal/dues/").status_code == 200
    account.refresh_from_db()
    assert not account.must_change_password
    client.logout()
    assert client.login(username=account.user.username, password="Cay-tre-xanh-2026")
    assert client.get("/portal/").status_code == 200


def test_member_pages_need_a_member_account(portal, client):
    officer = factories.user("bithu_a", role_code="cell_secretary", on=portal["cell_a"])
    client.force_login(officer)
    for name in MEMBER_PAGES:
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get("/").status_code == 200  # officers keep their dashboard
    client.logout()
    for name in MEMBER_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def _others(portal):
    """Every object of another member or another cell that a portal URL could name."""
    bob, carol = portal["bob"], portal["carol"]
    bob_note = Notification.objects.filter(member=bob).first()
    carol_note = Notification.objects.filter(member=carol).first()
    doc_b = portal["meeting_b"].documents.get()
    return [
        ("get", "portal:meeting", portal["meeting_b"].pk),
        ("post", "portal:meeting", portal["meeting_b"].pk),
        ("get", "portal:document", doc_b.pk),
        ("post", "portal:task_done", portal["bob_task"].pk),
        ("get", "portal:notification", bob_note.pk),
        ("get", "portal:notification", carol_note.pk),
    ]


def test_a_member_never_reaches_another_members_data(portal, client):
    alice, bob = portal["alice"], portal["bob"]
    services.request_correction(bob, changes={"workplace": "Bí mật"}, explanation="x")
    MeetingReply.objects.create(
        meeting=portal["meeting_a"], member=bob, intent="excused", reason="Việc riêng của Bob"
    )
    login(client, portal["accounts"][alice.pk])
    for method, name, pk in _others(portal):
        url = reverse(name, args=[pk])
        response = getattr(client, method)(url, {"intent": "present", "done_on": "2026-02-02"})
        assert response.status_code == 404, f"{method} {url}"
    portal["bob_task"].refresh_from_db()
    assert portal["bob_task"].done_on is None
    assert not MeetingReply.objects.filter(meeting=portal["meeting_b"]).exists()
    # ids in the query string are ignored: the member comes from the login only
    for name in MEMBER_PAGES:
        body = client.get(reverse(name), {"member": bob.pk, "pk": bob.pk}).content.decode()
        assert bob.full_name not in body, name
        assert "Bí mật" not in body and "Việc riêng của Bob" not in body, name
    tasks = client.get(reverse("portal:tasks")).content.decode()
    assert "Rà soát hồ sơ đảng viên" in tasks and "Báo cáo sơ kết quý I" not in tasks
    assert portal["carol"].full_name not in client.get(reverse("portal:meetings")).content.decode()


def test_own_record_is_logged_and_id_masked(portal, client):
    alice = portal["alice"]
    type(alice).objects.filter(pk=alice.pk).update(id_number="001203004567")
    login(client, portal["accounts"][alice.pk])
    body = client.get(reverse("portal:record")).content.decode()
    assert "*********567" in body and "001203004567" not in body
    assert "001203004567" not in client.get(reverse("portal:correct")).content.decode()
    assert LogEntry.objects.filter(
        object_id=alice.pk, action=LogEntry.Action.ACCESS, actor=portal["accounts"][alice.pk].user
    ).exists()


def test_own_record_shows_the_members_current_party_posts(portal, client):
    """The record asks committees for the member's posts (`committees.positions_of`); no
    app answered that name before, so the section never showed."""
    alice = portal["alice"]
    congress = committee_services.record_congress(
        organization=portal["committee"],
        term_name="2020–2025",
        number=5,
        held_on=date(2020, 7, 10),
        delegates_summoned=120,
        delegates_present=118,
    )
    committee_services.record_election(  # a đảng bộ's secretary comes from its committee
        congress,
        body="committee",
        held_on=date(2020, 7, 10),
        seats=1,
        voters=118,
        results=[committee_services.Vote(alice, 110)],
    )
    committee_services.record_election(
        congress,
        body="secretary",
        held_on=date(2020, 7, 11),
        seats=1,
        voters=7,
        results=[committee_services.Vote(alice, 7)],
    )
    login(client, portal["accounts"][alice.pk])
    body = client.get(reverse("portal:record")).content.decode()
    assert "Chức vụ trong Đảng" in body
    assert f"Bí thư — {portal['committee'].name} (từ 11/07/2020)" in body
    login(client, portal["accounts"][portal["bob"].pk])
    assert "Chức vụ trong Đảng" not in client.get(reverse("portal:record")).content.decode()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_pages_are_small_and_few_queries(portal, client, django_assert_max_num_queries, name):
    review_services.open_year(organization=portal["committee"], year=2026)
    login(client, portal["accounts"][portal["alice"].pk])
    with django_assert_max_num_queries(MAX_QUERIES.get(name, 10)):
        response = client.get(reverse(name))
    assert response.status_code == 200
    assert len(response.content) < 100_000
    assert 'name="viewport"' in response.content.decode()


def test_meeting_pages_small_and_few_queries(portal, client, django_assert_max_num_queries):
    login(client, portal["accounts"][portal["alice"].pk])
    for meeting in (portal["meeting_a"], portal["past"]):
        with django_assert_max_num_queries(12):
            response = client.get(reverse("portal:meeting", args=[meeting.pk]))
        assert response.status_code == 200 and len(response.content) < 100_000


def test_meeting_reply_and_documents(portal, client):
    meeting = portal["meeting_a"]
    login(client, portal["accounts"][portal["alice"].pk])
    page = client.get(reverse("portal:meeting", args=[meeting.pk])).content.decode()
    assert "Dự thảo nghị quyết tháng" in page and "hop.example.vn" in page
    url = reverse("portal:meeting", args=[meeting.pk])
    response = client.post(url, {"intent": "excused", "reason": ""})
    assert response.status_code == 200 and "lý do xin vắng" in response.content.decode()
    response = client.post(url, {"intent": "excused", "reason": "Đi công tác tỉnh"})
    assert response.status_code == 302
    reply = MeetingReply.objects.get(meeting=meeting, member=portal["alice"])
    assert (reply.intent, reply.reason) == ("excused", "Đi công tác tỉnh")
    document = meeting.documents.get()
    response = client.get(reverse("portal:document", args=[document.pk]))
    assert response.status_code == 302 and response["Location"] == document.url
    past = client.get(reverse("portal:meeting", args=[portal["past"].pk])).content.decode()
    assert "Tập trung hoàn thành kế hoạch quý I." in past
    assert "Rà soát hồ sơ đảng viên" in past and "Báo cáo sơ kết quý I" not in past


def test_task_done_and_dues_and_self_assessment(portal, client):
    login(client, portal["accounts"][portal["alice"].pk])
    task = portal["alice_task"]
    response = client.post(reverse("portal:task_done", args=[task.pk]), {"done_on": "2026-02-02"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == date(2026, 2, 2)
    dues = client.get(reverse("portal:dues")).content.decode()
    assert "Còn phải đóng" in dues and ("50.000" in dues or "50,000" in dues)
    assert "Chưa đóng" in dues
    assert "Hiện không trong thời gian kiểm điểm" in client.get("/portal/review/").content.decode()
    review_services.open_year(organization=portal["committee"], year=2026)
    response = client.post("/portal/review/", {"text": "Tôi hoàn thành tốt", "grade": "htt"})
    assert response.status_code == 302
    review = MemberReview.objects.get(member=portal["alice"])
    assert review.self_grade == "htt" and review.self_assessment == "Tôi hoàn thành tốt"


def test_notifications_unread_count_and_open(portal, client):
    alice = portal["alice"]
    login(client, portal["accounts"][alice.pk])
    unread = Notification.objects.filter(member=alice, read_at=None).count()
    assert unread >= 2
    body = client.get("/portal/").content.decode()
    assert f'id="unread">{unread}<' in body
    note = Notification.objects.filter(member=alice, kind="meeting").get()
    response = client.get(reverse("portal:notification", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    client.post(reverse("portal:notifications_read"))
    assert not Notification.objects.filter(member=alice, read_at=None).exists()


def test_correction_request_goes_to_the_secretary(portal, client):
    alice = portal["alice"]
    login(client, portal["accounts"][alice.pk])
    form = client.get(reverse("portal:correct")).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(birth_date=alice.birth_date.isoformat(), workplace="Sở Tư pháp tỉnh Sông Hồng")
    response = client.post(reverse("portal:correct"), {**data, "explanation": ""})
    assert response.status_code == 200
    response = client.post(
        reverse("portal:correct"), {**data, "explanation": "Quyết định điều động"}
    )
    assert response.status_code == 302
    request = CorrectionRequest.objects.get(member=alice)
    assert request.changes == {"workplace": "Sở Tư pháp tỉnh Sông Hồng"}
    alice.refresh_from_db()
    assert alice.workplace != "Sở Tư pháp tỉnh Sông Hồng"

    secretary = factories.user("bithu_a", role_code="cell_secretary", on=portal["cell_a"])
    client.force_login(secretary)
    home = client.get("/").content.decode()
    assert "Đề nghị đính chính chờ xử lý" in home
    assert alice.full_name in client.get("/portal/corrections/?status=pending").content.decode()
    detail = client.get(reverse("portal:correction", args=[request.pk])).content.decode()
    assert "Sở Tư pháp tỉnh Sông Hồng" in detail
    response = client.post(
        reverse("portal:correction_decide", args=[request.pk]),
        {"decision": "approve", "reason": "Đã đối chiếu quyết định"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.workplace == "Sở Tư pháp tỉnh Sông Hồng"
    assert Notification.objects.filter(member=alice, kind="correction").exists()
    viewer = factories.user("chixem", role_code="viewer", on=portal["committee"])
    client.force_login(viewer)
    url = reverse("portal:correction_decide", args=[request.pk])
    assert client.post(url, {"decision": "reject", "reason": "x"}).status_code == 404


def test_officer_creates_accounts_one_or_in_bulk(portal, client):
    secretary = factories.user("bithu_a", role_code="cell_secretary", on=portal["cell_a"])
    client.force_login(secretary)
    third = portal["members_a"][2]
    page = client.get("/portal/accounts/", {"org": portal["cell_a"].pk}).content.decode()
    assert third.full_name in page and "Cấp tài khoản" in page
    response = client.post(reverse("portal:account_create", args=[third.pk]))
    assert response.status_code == 200
    password = response.context["password"]
    account = MemberAccount.objects.get(member=third)
    assert account.user.check_password(password) and account.must_change_password
    assert password in response.content.decode()
    again = client.post(reverse("portal:account_create", args=[third.pk]))
    assert "đã có tài khoản" in again.content.decode()
    outside = portal["members_b"][0]
    assert client.post(reverse("portal:account_create", args=[outside.pk])).status_code == 404
    response = client.post(reverse("portal:account_reset", args=[account.pk]))
    account.user.refresh_from_db()
    assert account.user.check_password(response.context["password"])
    # A member who left: the list shows the account locked and offers no new password.
    Member.objects.filter(pk=third.pk).update(status="deleted")
    get_user_model().objects.filter(pk=account.user_id).update(is_active=False)
    page = client.get("/portal/accounts/", {"org": portal["cell_a"].pk}).content.decode()
    assert "Đã khóa" in page
    refused = client.post(reverse("portal:account_reset", args=[account.pk]))
    assert "tài khoản đã khóa" in refused.content.decode()
    Member.objects.filter(pk=third.pk).update(status="probationary")  # readmitted
    page = client.get("/portal/accounts/", {"org": portal["cell_a"].pk}).content.decode()
    assert "Mở lại, cấp mật khẩu mới" in page
    client.post(reverse("portal:account_reset", args=[account.pk]))
    account.user.refresh_from_db()
    assert account.user.is_active

    fresh = factories.member(portal["cell_a"], "Hoàng Minh Tuấn")
    response = client.post(reverse("portal:accounts_bulk"), {"organization": portal["cell_a"].pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = own_rows(load_workbook(io.BytesIO(response.content)).active)
    assert rows[1][0] == "Hoàng Minh Tuấn" and rows[1][2] == f"dv{fresh.pk:06d}"
    login_user = MemberAccount.objects.get(member=fresh).user
    assert login_user.check_password(rows[1][3])
    export = LogEntry.objects.filter(object_repr__startswith="Xuất dữ liệu").get()
    assert export.additional_data["rows"] == 1 and export.actor == secretary


def test_home_links_to_the_survey_answer_page(client, portal):
    login(client, portal["accounts"][portal["alice"].pk])
    body = client.get(reverse("portal:index")).content.decode()
    assert reverse("surveys:answer") in body
