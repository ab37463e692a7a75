"""Notifications from other apps' events (signals, not polling), and the login flags the
password-change middleware reads."""

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from dangbo.meetings.models import Meeting, MeetingDocument, MeetingStatus, MeetingTask
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.portal import services
from dangbo.portal.models import MemberAccount, NotificationKind
from dangbo.reviews.models import MemberReview, ReviewYear

SESSION_MEMBER = "portal_member"
SESSION_MUST_CHANGE = "portal_must_change"


@receiver(user_logged_in, dispatch_uid="portal_login_flags")
def set_login_flags(sender, request, user, **kwargs):
    account = MemberAccount.objects.filter(user=user).values("member_id", "must_change_password")
    account = account.first()
    if request is None or not hasattr(request, "session"):
        return
    if account is None:
        request.session.pop(SESSION_MEMBER, None)
        request.session.pop(SESSION_MUST_CHANGE, None)
        return
    request.session[SESSION_MEMBER] = account["member_id"]
    if account["must_change_password"]:
        request.session[SESSION_MUST_CHANGE] = True
    else:
        request.session.pop(SESSION_MUST_CHANGE, None)


@receiver(post_save, sender=Member, dispatch_uid="portal_member_left")
def member_left(sender, instance: Member, raw=False, **kwargs):
    """A member who leaves the party (deleted, expelled, resigned, deceased…) can no longer
    log in; the account and its history stay."""
    if raw or instance.status in ACTIVE_STATUSES:
        return
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(member_account__member=instance, is_active=True).update(
        is_active=False
    )


def _cell_members(organization_id):
    return Member.objects.filter(
        organization_id=organization_id, status__in=ACTIVE_STATUSES
    ).values("pk")


def _has_accounts(organization_id) -> bool:
    return MemberAccount.objects.filter(member__organization_id=organization_id).exists()


@receiver(post_save, sender=Meeting, dispatch_uid="portal_meeting_published")
def meeting_published(sender, instance: Meeting, raw=False, **kwargs):
    """A planned meeting with its agenda set: tell the cell's members (once)."""
    if raw or instance.status != MeetingStatus.PLANNED or not instance.agenda:
        return
    if instance.planned_on < timezone.localdate() or not _has_accounts(instance.organization_id):
        return
    services.notify(
        _cell_members(instance.organization_id),
        kind=NotificationKind.MEETING,
        key=f"meeting:{instance.pk}",
        title=f"Sinh hoạt chi bộ ngày {instance.planned_on:%d/%m/%Y}",
        body=(instance.topic or instance.agenda)[:500],
        url=reverse("portal:meeting", args=[instance.pk]),
    )


@receiver(post_save, sender=MeetingDocument, dispatch_uid="portal_document_published")
def document_published(sender, instance: MeetingDocument, created, raw=False, **kwargs):
    if raw or not created:
        return
    meeting = instance.meeting
    if not _has_accounts(meeting.organization_id):
        return
    services.notify(
        _cell_members(meeting.organization_id),
        kind=NotificationKind.DOCUMENT,
        key=f"document:{instance.pk}",
        title=f"Tài liệu sinh hoạt ngày {meeting.planned_on:%d/%m/%Y}: {instance.title}",
        url=reverse("portal:meeting", args=[meeting.pk]),
    )


@receiver(post_save, sender=MeetingTask, dispatch_uid="portal_task_assigned")
def task_assigned(sender, instance: MeetingTask, created, raw=False, **kwargs):
    if raw or not created:
        return
    services.notify(
        [instance.owner_id],
        kind=NotificationKind.TASK,
        key=f"task:{instance.pk}",
        title=f"Nhiệm vụ được giao, hạn {instance.due_on:%d/%m/%Y}",
        body=instance.description,
        url=reverse("portal:tasks"),
    )


@receiver(post_save, sender=ReviewYear, dispatch_uid="portal_review_opened")
def review_opened(sender, instance: ReviewYear, created, raw=False, **kwargs):
    """The review period opens: each reviewed member is asked for a self-assessment (after
    commit, when the year's member reviews exist)."""
    if raw or not created:
        return

    def send():
        services.notify(
            MemberReview.objects.filter(review_year=instance, exemption="").values("member_id"),
            kind=NotificationKind.REVIEW,
            key=f"review:{instance.pk}",
            title=f"Kiểm điểm, đánh giá năm {instance.year}: mời đồng chí viết bản tự kiểm điểm",
            url=reverse("portal:review"),
        )

    transaction.on_commit(send)
