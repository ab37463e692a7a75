"""Use cases of the member portal: accounts, correction requests, replies to meetings, own
tasks, self-assessment, notifications. One transaction each; bad input raises DomainError.

Member-side functions take the member resolved from the login (never an id from the URL) and
check that the object acted on belongs to that member or their cell.
"""

import secrets
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dangbo.core.accounts import actor as _actor
from dangbo.core.errors import DomainError
from dangbo.core.models import UserProfile
from dangbo.core.permissions import has_permission
from dangbo.core.text import clean_spaces
from dangbo.meetings import services as meeting_services
from dangbo.meetings.models import Meeting, MeetingStatus, MeetingTask
from dangbo.members import services as member_services
from dangbo.members.choices import ACTIVE_STATUSES
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.portal.hashers import one_time_hasher
from dangbo.portal.models import (
    CorrectionRequest,
    CorrectionStatus,
    MeetingReply,
    MemberAccount,
    Notification,
    NotificationKind,
    ReplyIntent,
)
from dangbo.reviews import services as review_services
from dangbo.reviews.models import MemberReview

# Identity fields a member may ask to correct (dates of admission are decided, not requested).
CORRECTABLE_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "place_of_origin",
    "ethnicity",
    "religion",
    "id_number",
    "education",
    "qualification",
    "theory_level",
    "occupation",
    "workplace",
)
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BULK_LIMIT = 1000


# --- accounts ---------------------------------------------------------------------------------


def generate_password(length: int = 12) -> str:
    """A one-time password without look-alike characters (0/O, 1/l/I)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def username_for(member: Member) -> str:
    return f"dv{member.pk:06d}"


def _check_may_manage(user, member: Member) -> None:
    if user is not None and not has_permission(user, "members.change", member.org_path):
        raise DomainError("Đảng viên nằm ngoài phạm vi quản lý của bạn.", "member")


def _new_account(member: Member, *, user, email: str = "") -> tuple[MemberAccount, str]:
    if not member.is_active_member:
        raise DomainError(
            f"Đồng chí {member.full_name} không còn sinh hoạt đảng; không cấp tài khoản.",
            "member",
        )
    if MemberAccount.objects.filter(member=member).exists():
        raise DomainError(f"Đồng chí {member.full_name} đã có tài khoản.", "member")
    User = get_user_model()
    username = username_for(member)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(f"Tên đăng nhập «{username}» đã được dùng.", "member")
    password = generate_password()
    # The whole name in first_name, as core.accounts does: Django's get_full_name() puts the
    # first name before the last, which reverses a Vietnamese name split in two.
    login = User(username=username, first_name=member.full_name, email=clean_spaces(email))
    login.password = make_password(password, hasher=one_time_hasher())
    login.save()
    UserProfile.objects.create(user=login, organization_id=member.organization_id)
    account = MemberAccount.objects.create(
        user=login, member=member, must_change_password=True, created_by=_actor(user)
    )
    return account, password


@transaction.atomic
def create_account(member: Member, *, user=None, email: str = "") -> tuple[MemberAccount, str]:
    """One member's account; returns it with the one-time password (shown once, not stored)."""
    _check_may_manage(user, member)
    return _new_account(member, user=user, email=email)


@transaction.atomic
def create_accounts(org: Organization, *, user=None) -> list[tuple[Member, str, str]]:
    """Accounts for every active member of the subtree who has none yet:
    [(member, username, one-time password)] to hand out (exported once)."""
    if user is not None and not has_permission(user, "members.change", org.path):
        raise DomainError("Tổ chức nằm ngoài phạm vi quản lý của bạn.", "organization")
    members = list(
        Member.objects.filter(org_path__startswith=org.path, status__in=ACTIVE_STATUSES)
        .filter(portal_account__isnull=True)
        .order_by("org_path", "name_search", "id")[: BULK_LIMIT + 1]
    )
    if not members:
        raise DomainError("Mọi đảng viên của tổ chức này đã có tài khoản.", "organization")
    if len(members) > BULK_LIMIT:
        raise DomainError(
            f"Quá {BULK_LIMIT} đảng viên chưa có tài khoản; hãy cấp theo từng tổ chức nhỏ hơn.",
            "organization",
        )
    result = []
    for member in members:
        account, password = _new_account(member, user=user)
        result.append((member, account.user.username, password))
    return result


@transaction.atomic
def reset_password(account: MemberAccount, *, user=None) -> str:
    """A new one-time password; the member must change it at the next login. The account of
    a member who left was locked (receivers.member_left); once the member is readmitted, this
    is how an officer reopens it — deliberately, with a new password, never the old one."""
    account = MemberAccount.objects.select_related("member", "user").get(pk=account.pk)
    _check_may_manage(user, account.member)
    if not account.member.is_active_member:
        raise DomainError(
            f"Đồng chí {account.member.full_name} không còn sinh hoạt đảng; tài khoản đã khóa.",
            "member",
        )
    password = generate_password()
    account.user.password = make_password(password, hasher=one_time_hasher())
    account.user.is_active = True
    account.user.save(update_fields=["password", "is_active"])
    account.must_change_password = True
    account.save(update_fields=["must_change_password", "updated_at"])
    return password


@transaction.atomic
def change_password(account: MemberAccount, *, old: str, new: str, repeat: str) -> MemberAccount:
    """The member's own change (forced at first login)."""
    login = account.user
    if not login.check_password(old or ""):
        raise DomainError("Mật khẩu hiện tại không đúng.", "old_password")
    if new != repeat:
        raise DomainError("Hai lần nhập mật khẩu mới không khớp.", "new_password2")
    if new == old:
        raise DomainError("Mật khẩu mới phải khác mật khẩu được cấp.", "new_password1")
    try:
        password_validation.validate_password(new, login)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), "new_password1") from error
    login.set_password(new)
    login.save(update_fields=["password"])
    account.must_change_password = False
    account.password_changed_at = timezone.now()
    account.save(update_fields=["must_change_password", "password_changed_at", "updated_at"])
    return account


# --- corrections ------------------------------------------------------------------------------


def _json(value):
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@transaction.atomic
def request_correction(member: Member, *, changes: dict, explanation: str, user=None):
    """The member proposes new values; the cell secretary decides. Nothing changes yet."""
    changes = {k: v for k, v in changes.items() if k in CORRECTABLE_FIELDS}
    proposed = {k: _json(v) for k, v in changes.items() if _json(getattr(member, k)) != _json(v)}
    if not proposed:
        raise DomainError("Chưa có thông tin nào khác với hồ sơ hiện tại.")
    explanation = (explanation or "").strip()
    if not explanation:
        raise DomainError("Cần nêu lý do, căn cứ đề nghị đính chính.", "explanation")
    if CorrectionRequest.objects.filter(member=member, status=CorrectionStatus.PENDING).exists():
        raise DomainError("Đồng chí đã có một đề nghị đính chính đang chờ chi bộ xử lý.")
    return CorrectionRequest.objects.create(
        member=member,
        changes=proposed,
        old_values={k: _json(getattr(member, k)) for k in proposed},
        explanation=explanation,
        requested_by=_actor(user),
    )


def _parsed(changes: dict) -> dict:
    parsed = {}
    for name, value in changes.items():
        field = Member._meta.get_field(name)
        parsed[name] = field.to_python(value) if value not in (None, "") else value
    return parsed


def _decided(request: CorrectionRequest, status: str, reason: str, user) -> CorrectionRequest:
    request.status = status
    request.decision_reason = reason[:500]
    request.decided_by = _actor(user)
    request.decided_at = timezone.now()
    request.save()
    label = "được chấp thuận" if status == CorrectionStatus.APPROVED else "không được chấp thuận"
    notify(
        [request.member_id],
        kind=NotificationKind.CORRECTION,
        key=f"correction:{request.pk}",
        title=f"Đề nghị đính chính của đồng chí {label}",
        body=reason,
        url=reverse("portal:record"),
    )
    return request


def _pending(request: CorrectionRequest, user) -> CorrectionRequest:
    request = (
        CorrectionRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
    )
    if not request.is_pending:
        raise DomainError("Đề nghị này đã được xử lý.")
    _check_may_manage(user, request.member)
    return request


@transaction.atomic
def approve_correction(request: CorrectionRequest, *, reason: str, user=None):
    """Apply the proposed values through members.services.correct_identity (old values stay
    in the member's history)."""
    request = _pending(request, user)
    reason = clean_spaces(reason)
    if not reason:
        raise DomainError("Cần nêu căn cứ chấp thuận (giấy tờ đã đối chiếu).", "reason")
    member_services.correct_identity(
        request.member,
        reason=f"Theo đề nghị của đảng viên ngày {request.created_at:%d/%m/%Y}: {reason}",
        user=user,
        **_parsed(request.changes),
    )
    return _decided(request, CorrectionStatus.APPROVED, reason, user)


@transaction.atomic
def reject_correction(request: CorrectionRequest, *, reason: str, user=None):
    request = _pending(request, user)
    reason = clean_spaces(reason)
    if not reason:
        raise DomainError("Cần nêu lý do không chấp thuận.", "reason")
    return _decided(request, CorrectionStatus.REJECTED, reason, user)


# --- meetings, tasks, self-assessment ----------------------------------------------------------


def _own_meeting(member: Member, meeting: Meeting) -> None:
    if meeting.organization_id != member.organization_id:
        raise DomainError("Buổi sinh hoạt không thuộc chi bộ của đồng chí.")


@transaction.atomic
def reply_to_meeting(
    member: Member, meeting: Meeting, *, intent: str, reason: str = "", user=None
) -> MeetingReply:
    """Confirm attendance (in person/online) or ask to be excused with a reason."""
    _own_meeting(member, meeting)
    if meeting.status != MeetingStatus.PLANNED or meeting.planned_on < timezone.localdate():
        raise DomainError("Chỉ đăng ký được cho buổi sinh hoạt sắp tới.")
    if intent not in ReplyIntent.values:
        raise DomainError("Lựa chọn không hợp lệ.", "intent")
    reason = clean_spaces(reason)
    if intent == ReplyIntent.EXCUSED and not reason:
        raise DomainError("Cần nêu lý do xin vắng.", "reason")
    if intent == ReplyIntent.ONLINE and not meeting.online_link:
        raise DomainError("Buổi sinh hoạt này không tổ chức trực tuyến.", "intent")
    reply, _ = MeetingReply.objects.update_or_create(
        meeting=meeting,
        member=member,
        defaults={"intent": intent, "reason": reason[:255] if intent == "excused" else ""},
    )
    return reply


def replies_for(meeting: Meeting) -> dict:
    """{member_id: reply} for the meeting (the attendance form starts from them)."""
    return {r.member_id: r for r in MeetingReply.objects.filter(meeting=meeting)}


@transaction.atomic
def complete_own_task(member: Member, task: MeetingTask, *, done_on: date, user=None):
    if task.owner_id != member.pk:
        raise DomainError("Nhiệm vụ không được giao cho đồng chí.")
    return meeting_services.complete_task(task, done_on=done_on, user=user)


@transaction.atomic
def self_assess(member: Member, review: MemberReview, *, text: str, grade: str, user=None):
    if review.member_id != member.pk:
        raise DomainError("Bản kiểm điểm không phải của đồng chí.")
    return review_services.self_assess(review, text=text, grade=grade, user=user)


# --- notifications ----------------------------------------------------------------------------


def notify(member_ids, *, kind: str, key: str, title: str, body: str = "", url: str = ""):
    """A notice to each member (ids or a queryset of ids) who has an account, once per key;
    e-mail after commit when DANGBO_PORTAL_EMAIL is on and the account has an address."""
    accounts = list(
        MemberAccount.objects.filter(member_id__in=member_ids, user__is_active=True)
        .exclude(member__portal_notifications__key=key)
        .values_list("member_id", "user__email")
    )
    if not accounts:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                member_id=m, kind=kind, key=key[:80], title=title[:255], body=body, url=url
            )
            for m, _ in accounts
        ],
        ignore_conflicts=True,
    )
    addresses = [email for _, email in accounts if email]
    if addresses and getattr(settings, "DANGBO_PORTAL_EMAIL", False):
        transaction.on_commit(lambda: _email(addresses, title, body, key, [m for m, _ in accounts]))
    return rows


def _email(addresses, title, body, key, member_ids):
    for address in addresses:
        send_mail(f"[dangbo] {title}", body or title, None, [address], fail_silently=True)
    Notification.objects.filter(member_id__in=member_ids, key=key[:80]).update(
        emailed_at=timezone.now()
    )


def mark_read(member: Member, notification_ids=None) -> int:
    rows = Notification.objects.filter(member=member, read_at=None)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    return rows.update(read_at=timezone.now())


# ---------------------------------------------------------------- deadline reminders


def send_reminders(today: date | None = None) -> int:
    """Remind members of what falls due soon: meetings of their cell and their own open tasks
    within `portal.reminder_days` (a dated rule, default 2). Run daily (`dangbo
    send_portal_reminders`, cron or a worker); each reminder is sent once (its key)."""
    from datetime import timedelta

    from dangbo.core.models import RuleParameter

    today = today or timezone.localdate()
    days = int(RuleParameter.value_on("portal.reminder_days", today, "", 2))
    horizon = today + timedelta(days=days)
    sent = 0
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.PLANNED, planned_on__gte=today, planned_on__lte=horizon
        )
        .filter(organization__members__portal_account__isnull=False)
        .distinct()
    )
    for meeting in meetings:
        sent += len(
            notify(
                Member.objects.filter(
                    organization_id=meeting.organization_id, status__in=ACTIVE_STATUSES
                ).values("pk"),
                kind=NotificationKind.MEETING,
                key=f"remind-meeting:{meeting.pk}",
                title=f"Nhắc lịch: sinh hoạt chi bộ ngày {meeting.planned_on:%d/%m/%Y}",
                body=(meeting.topic or meeting.agenda)[:500],
                url=reverse("portal:meeting", args=[meeting.pk]),
            )
        )
    tasks = MeetingTask.objects.filter(
        done_on__isnull=True, due_on__gte=today, due_on__lte=horizon
    ).filter(owner__portal_account__isnull=False)
    for task in tasks:
        sent += len(
            notify(
                [task.owner_id],
                kind=NotificationKind.TASK,
                key=f"remind-task:{task.pk}",
                title=f"Nhắc hạn: nhiệm vụ đến hạn ngày {task.due_on:%d/%m/%Y}",
                body=task.description,
                url=reverse("portal:tasks"),
            )
        )
    return sent
