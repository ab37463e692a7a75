from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from dangbo.core.errors import DomainError
from dangbo.core.models import UserProfile
from dangbo.meetings import services as meeting_services
from dangbo.members.models import Member, MemberEvent
from dangbo.portal import services
from dangbo.portal.hooks import meeting_replies
from dangbo.portal.models import MemberAccount, Notification
from dangbo.reviews import rules as review_rules
from dangbo.reviews import services as review_services
from dangbo.reviews.models import MemberReview
from tests import factories
from tests.portal.conftest import upcoming_meeting


def test_create_account_once_with_a_one_time_password(tree):
    member = tree["members_a"][0]
    officer = factories.user("bithu_a", role_code="cell_secretary", on=tree["cell_a"])
    account, password = services.create_account(member, user=officer, email="binh@example.vn")
    assert account.must_change_password and account.user.check_password(password)
    assert account.user.username == f"dv{member.pk:06d}"
    assert account.user.email == "binh@example.vn"
    assert account.user.get_full_name() == "Nguyễn Văn Bình"  # in Vietnamese order
    assert not account.user.role_assignments.exists()  # a member account holds no org role
    assert UserProfile.objects.get(user=account.user).organization == tree["cell_a"]
    with pytest.raises(DomainError, match="đã có tài khoản"):
        services.create_account(member, user=officer)
    outsider = factories.user("bithu_b", role_code="cell_secretary", on=tree["cell_b"])
    with pytest.raises(DomainError, match="ngoài phạm vi"):
        services.create_account(tree["members_a"][1], user=outsider)


def test_bulk_accounts_for_a_subtree_are_atomic_and_skip_existing(tree):
    services.create_account(tree["members_a"][0])
    created = services.create_accounts(tree["committee"])
    assert {m.pk for m, _, _ in created} == {
        m.pk for m in [*tree["members_a"][1:], *tree["members_b"]]
    }
    for _member, username, password in created:
        assert get_user_model().objects.get(username=username).check_password(password)
    assert MemberAccount.objects.count() == 4
    with pytest.raises(DomainError, match="đã có tài khoản"):
        services.create_accounts(tree["committee"])


def test_inactive_member_gets_no_account(tree):
    member = tree["members_a"][0]
    Member.objects.filter(pk=member.pk).update(status="deceased")
    member.refresh_from_db()
    with pytest.raises(DomainError, match="không còn sinh hoạt"):
        services.create_account(member)
    assert not get_user_model().objects.filter(username__startswith="dv").exists()


def test_password_change_and_reset(tree):
    account, password = services.create_account(tree["members_a"][0])
    with pytest.raises(DomainError, match="không đúng"):
        services.change_password(account, old="sai", new="Mat-khau-moi-2026", repeat="x")
    with pytest.raises(DomainError, match="không khớp"):
        services.change_password(account, old=password, new="Mat-khau-moi-2026", repeat="x")
    with pytest.raises(DomainError, match="quá ngắn"):
        services.change_password(account, old=password, new="ngan", repeat="ngan")
    services.change_password(
        account, old=password, new="Mat-khau-moi-2026", repeat="Mat-khau-moi-2026"
    )
    account.refresh_from_db()
    assert not account.must_change_password and account.password_changed_at
    again = services.reset_password(account)
    account.refresh_from_db()
    assert account.must_change_password and account.user.check_password(again)


def test_correction_changes_nothing_until_approved(tree):
    member = tree["members_a"][0]
    officer = factories.user("bithu_a", role_code="cell_secretary", on=tree["cell_a"])
    with pytest.raises(DomainError, match="Chưa có thông tin"):
        services.request_correction(
            member, changes={"full_name": member.full_name}, explanation="x"
        )
    with pytest.raises(DomainError, match="lý do"):
        services.request_correction(member, changes={"workplace": "Sở Tư pháp"}, explanation=" ")
    request = services.request_correction(
        member,
        changes={"workplace": "Sở Tư pháp tỉnh", "birth_date": date(1980, 5, 6), "admitted_on": 1},
        explanation="Theo căn cước công dân",
    )
    assert set(request.changes) == {"workplace", "birth_date"}  # admission dates not requestable
    assert request.changes["birth_date"] == "1980-05-06"
    member.refresh_from_db()
    assert member.workplace != "Sở Tư pháp tỉnh"
    with pytest.raises(DomainError, match="đang chờ"):
        services.request_correction(member, changes={"workplace": "Khác"}, explanation="x")
    with pytest.raises(DomainError, match="căn cứ"):
        services.approve_correction(request, reason="", user=officer)
    services.approve_correction(request, reason="Đã đối chiếu CCCD", user=officer)
    member.refresh_from_db()
    assert member.workplace == "Sở Tư pháp tỉnh" and member.birth_date == date(1980, 5, 6)
    event = MemberEvent.objects.filter(member=member, kind="corrected").get()
    assert "Đã đối chiếu CCCD" in event.reason
    assert event.details["workplace"][1] == "Sở Tư pháp tỉnh"  # old value kept in the event
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == officer
    with pytest.raises(DomainError, match="đã được xử lý"):
        services.reject_correction(request, reason="x", user=officer)


def test_rejected_or_invalid_correction_leaves_the_record(tree):
    member, other = tree["members_a"][0], tree["members_a"][1]
    Member.objects.filter(pk=other.pk).update(id_number="001203004567")
    request = services.request_correction(
        member, changes={"id_number": "001203004567"}, explanation="Số mới"
    )
    with pytest.raises(DomainError, match="đã thuộc một đảng viên khác"):
        services.approve_correction(request, reason="Đối chiếu", user=None)
    request.refresh_from_db()
    assert request.status == "pending"
    with pytest.raises(DomainError, match="lý do"):
        services.reject_correction(request, reason=" ", user=None)
    services.reject_correction(request, reason="Số định danh không khớp giấy tờ", user=None)
    member.refresh_from_db()
    assert member.id_number != "001203004567"
    outsider = factories.user("bithu_b", role_code="cell_secretary", on=tree["cell_b"])
    second = services.request_correction(member, changes={"workplace": "X"}, explanation="y")
    with pytest.raises(DomainError, match="ngoài phạm vi"):
        services.approve_correction(second, reason="z", user=outsider)


def test_reply_to_meetings_of_the_own_cell_only(portal):
    alice, meeting = portal["alice"], portal["meeting_a"]
    with pytest.raises(DomainError, match="lý do"):
        services.reply_to_meeting(alice, meeting, intent="excused", reason=" ")
    with pytest.raises(DomainError, match="không thuộc chi bộ"):
        services.reply_to_meeting(alice, portal["meeting_b"], intent="present")
    with pytest.raises(DomainError, match="sắp tới"):
        services.reply_to_meeting(alice, portal["past"], intent="present")
    services.reply_to_meeting(alice, meeting, intent="present")
    reply = services.reply_to_meeting(alice, meeting, intent="excused", reason="Đi công tác")
    assert (reply.intent, reply.reason) == ("excused", "Đi công tác")
    replies = meeting_replies(meeting)
    assert (replies[alice.pk].status, replies[alice.pk].reason) == ("excused", "Đi công tác")


def test_own_task_and_self_assessment_go_through_their_services(portal):
    with pytest.raises(DomainError, match="không được giao"):
        services.complete_own_task(portal["alice"], portal["bob_task"], done_on=date(2026, 2, 1))
    task = services.complete_own_task(portal["bob"], portal["bob_task"], done_on=date(2026, 2, 1))
    assert task.done_on == date(2026, 2, 1)
    review_services.open_year(organization=portal["committee"], year=2026)
    mine = MemberReview.objects.get(member=portal["alice"])
    theirs = MemberReview.objects.get(member=portal["bob"])
    with pytest.raises(DomainError, match="không phải của"):
        services.self_assess(portal["alice"], theirs, text="...", grade="htt")
    grade = review_rules.GRADES[2]
    services.self_assess(portal["alice"], mine, text="Hoàn thành tốt nhiệm vụ", grade=grade)
    mine.refresh_from_db()
    assert mine.self_grade == grade and mine.self_assessment


def test_notifications_from_meetings_tasks_and_reviews(portal, django_capture_on_commit_callbacks):
    alice, carol = portal["alice"], portal["carol"]
    assert Notification.objects.filter(member=alice, key=f"meeting:{portal['meeting_a'].pk}")
    assert Notification.objects.filter(member=alice, kind="document").count() == 1
    assert not Notification.objects.filter(member=carol, key=f"meeting:{portal['meeting_a'].pk}")
    assert Notification.objects.filter(member=portal["bob"], key=f"task:{portal['bob_task'].pk}")
    # no notice for members without an account; one per key
    third = portal["members_a"][2]
    assert not Notification.objects.filter(member=third).exists()
    before = Notification.objects.count()
    meeting_services.prepare_meeting(
        portal["meeting_a"], planned_on=portal["meeting_a"].planned_on, agenda="Sửa chương trình"
    )
    assert Notification.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        review_services.open_year(organization=portal["committee"], year=2026)
    assert Notification.objects.filter(member=alice, kind="review").count() == 1
    assert services.mark_read(alice) == Notification.objects.filter(member=alice).count()


def test_email_when_configured(tree, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    member = tree["members_a"][0]
    services.create_account(member, email="binh@example.vn")
    settings.DANGBO_PORTAL_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        upcoming_meeting(tree["cell_a"], days=3)
    assert mail.outbox == []
    settings.DANGBO_PORTAL_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        upcoming_meeting(tree["cell_a"], days=4)
    assert len(mail.outbox) == 2  # the meeting, then its document
    assert mail.outbox[0].to == ["binh@example.vn"]
    assert "Sinh hoạt chi bộ ngày" in mail.outbox[0].subject
    assert Notification.objects.filter(member=member).exclude(emailed_at=None).count() == 2


def test_attendance_form_starts_from_the_replies(portal, client):
    meeting = portal["meeting_a"]
    services.reply_to_meeting(portal["bob"], meeting, intent="excused", reason="Ốm")
    officer = factories.user("bithu_a", role_code="cell_secretary", on=portal["cell_a"])
    client.force_login(officer)
    response = client.get(f"/meetings/{meeting.pk}/record/")
    assert response.status_code == 200
    form = response.context["form"]
    bob = portal["bob"].pk
    assert form.fields[f"status_{bob}"].initial == "excused"
    assert form.fields[f"reason_{bob}"].initial == "Ốm"


def test_leaving_the_party_closes_the_account(tree):
    from dangbo.members import services as member_services

    member = tree["members_a"][0]
    account, _ = services.create_account(member)
    member_services.leave(
        member,
        new_status="deceased",
        on=date(2026, 1, 5),
        reason="Từ trần",
        decision_number="05-QĐ/ĐU",
    )
    account.user.refresh_from_db()
    assert not account.user.is_active
    assert MemberAccount.objects.filter(member=member).exists()  # kept, never deleted


def test_one_time_passwords_use_the_light_hasher_until_changed(tree, settings, client):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "dangbo.portal.hashers.OneTimePasswordHasher",
    ]
    account, password = services.create_account(tree["members_a"][0])
    assert account.user.password.startswith("pbkdf2_onetime_sha256$5000$")
    assert client.login(username=account.user.username, password=password)
    account.user.refresh_from_db()
    assert account.user.password.startswith("md5$")  # re-hashed with the default at login
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    again = services.reset_password(account)
    account.user.refresh_from_db()
    assert account.user.password.startswith("md5$") and account.user.check_password(again)


def test_reminders_of_what_falls_due_are_sent_once(portal):
    from datetime import timedelta

    from dangbo.portal.models import Notification

    meeting_day = portal["meeting_a"].planned_on  # five days ahead
    before = Notification.objects.filter(key__startswith="remind-").count()
    assert services.send_reminders(today=meeting_day - timedelta(days=3)) == 0  # too early
    sent = services.send_reminders(today=meeting_day - timedelta(days=1))
    reminded = set(
        Notification.objects.filter(key=f"remind-meeting:{portal['meeting_a'].pk}").values_list(
            "member_id", flat=True
        )
    )
    assert reminded == {portal["alice"].pk, portal["bob"].pk}  # cell_a members with accounts
    assert sent >= 2 and before == 0
    assert services.send_reminders(today=meeting_day - timedelta(days=1)) == 0  # once
    task = portal["bob_task"]
    services.send_reminders(today=task.due_on - timedelta(days=2))
    assert Notification.objects.filter(key=f"remind-task:{task.pk}", member=portal["bob"]).exists()


def test_a_readmitted_members_locked_account_is_reopened_only_with_a_new_password(tree):
    from dangbo.members import services as member_services

    member = tree["members_a"][0]
    account, password = services.create_account(member)
    member_services.leave(
        member, new_status="deleted", on=date(2021, 3, 1), decision_number="5-QĐ", reason="Bỏ"
    )
    account.user.refresh_from_db()
    assert not account.user.is_active  # locked when the member left
    with pytest.raises(DomainError, match="không còn sinh hoạt"):
        services.reset_password(account)
    member_services.readmit(
        member, organization=tree["cell_b"], on=date(2024, 3, 1), decision_number="9-QĐ"
    )
    account.user.refresh_from_db()
    assert not account.user.is_active  # readmission alone does not revive the old password
    fresh = services.reset_password(account)
    account.refresh_from_db()
    account.user.refresh_from_db()
    assert account.user.is_active and account.must_change_password
    assert account.user.check_password(fresh) and not account.user.check_password(password)
    assert MemberEvent.objects.filter(member=member, kind="readmitted").exists()
