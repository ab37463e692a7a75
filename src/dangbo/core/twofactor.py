"""The second factor at sign-in (django-otp): an authenticator app (TOTP) and recovery codes.

Who must use it is `dangbo.core.rules.second_factor_required` over the account's active role
assignments (the role's own flag, grants above a cell, sensitive permissions); an account that
enrolled on its own is asked too. `DANGBO_SECOND_FACTOR` switches the whole feature (on by
default; the production profile refuses it off; `make run` turns it off for the demo).

Flow: the password login (django-axes guards it) opens a session that is not yet verified;
`SecondFactorMiddleware` then lets it reach only the enrolment or the code page (and logout)
until a code from the app, or a recovery code (used up when used), verifies it
(`django_otp.login`, kept in the session; `django_otp.middleware.OTPMiddleware` checks it on
every request, so a reset ends the verification of every open session). API tokens: see
`token_allowed`. Enrolment, recovery-code use, new codes and resets are written to the audit
log on the account, never with a secret.
"""

from base64 import b32encode

import django_otp
import qrcode
import qrcode.image.svg
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from dangbo.core import accounts, clientaddr
from dangbo.core.errors import DomainError
from dangbo.core.models import RoleAssignment
from dangbo.core.rules import Grant, second_factor_required

APP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã khôi phục"
RECOVERY_CODE_COUNT = 10
AUDIT_FIELD = "xác thực hai lớp"
# Pages an account whose session still waits for its second factor may open.
OPEN_VIEWS = frozenset(
    {
        "login",
        "logout",
        "healthz",
        "metrics",
        "core:second_factor",
        "core:second_factor_enrol",
        "admin:logout",
    }
)


def enabled() -> bool:
    return bool(getattr(settings, "DANGBO_SECOND_FACTOR", True))


# --- who must verify --------------------------------------------------------------------------


def grants_of(user) -> list[Grant]:
    rows = RoleAssignment.objects.filter(user=user, is_active=True).values_list(
        "role__requires_second_factor", "role__permissions", "organization__org_type__holds_members"
    )
    return [
        Grant(role_requires=requires, permissions=tuple(codes or ()), on_one_cell=bool(on_cell))
        for requires, codes, on_cell in rows
    ]


def required(user) -> bool:
    """Does the rule require a second factor of this account (its current grants)?"""
    if not user.is_authenticated:
        return False
    return second_factor_required(
        grants_of(user), is_superuser=user.is_superuser, is_staff=user.is_staff
    )


def app_device(user, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)  # installed by django_otp's OTPMiddleware
    return bool(check and check())


def must_verify(user) -> bool:
    """Is this signed-in session still waiting for its second factor?"""
    if not enabled() or not user.is_authenticated or is_verified(user):
        return False
    return required(user) or enrolled(user)


def pending_url(user, next_url: str = "") -> str:
    name = "core:second_factor" if enrolled(user) else "core:second_factor_enrol"
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class SecondFactorMiddleware:
    """Until its second factor is verified, a session reaches only OPEN_VIEWS; screens
    redirect to the enrolment or code page, the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if not must_verify(request.user):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "Phiên đăng nhập chưa xác thực hai lớp."}, status=403)
        target = pending_url(request.user, request.get_full_path())
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)


def token_allowed(user, token) -> bool:
    """API tokens are created on a screen, so only by a session that passed the second factor
    when the account needs one. A token is refused when the account needs a second factor and
    has none, or when it is older than the account's current second factor (made before the
    enrolment, e.g. before the second factor was introduced, or before a reset)."""
    if not enabled():
        return True
    device = app_device(user)
    if device is None:
        return not required(user)
    return device.created_at is None or token.created >= device.created_at


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refusing the tokens `token_allowed` refuses."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not token_allowed(user, token):
            raise exceptions.AuthenticationFailed(
                "Khóa API này không còn dùng được: tài khoản cần xác thực hai lớp. Hãy đăng "
                "nhập (mật khẩu và mã xác thực) rồi tạo khóa mới ở trang «Khóa truy cập API»."
            )
        return user, token


# --- enrolment and codes ----------------------------------------------------------------------


def pending_enrolment(user) -> TOTPDevice:
    """The unconfirmed app device being enrolled (a fresh secret the first time)."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing it into the app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code (otpauth:// URL) as inline SVG, made here: no external service."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    return image.to_string(encoding="unicode")


def _normalised(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def _throttled_message(device) -> str | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    if until is not None:
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        return f"Nhập sai nhiều lần; hãy chờ {seconds} giây rồi thử lại."
    return "Nhập sai nhiều lần; hãy chờ một lát rồi thử lại."


def _audit(request, account, before: str, after: str, event: str, **details) -> LogEntry:
    actor = getattr(request, "user", None)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_pk=str(account.pk),
        object_id=account.pk,
        object_repr=str(account),
        action=LogEntry.Action.UPDATE,
        changes={AUDIT_FIELD: [before, after]},
        actor=actor if actor is not None and actor.is_authenticated else None,
        remote_addr=clientaddr.client_address(request),
        additional_data={"second_factor": event, **details},
    )


def _replace_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str]:
    """Check the first code from the app; the device becomes the account's second factor (a
    former one is retired), the session is verified. Returns new recovery codes, shown once."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise DomainError("Phiên đăng ký đã hết; hãy tải lại trang.", "code")
    message = _throttled_message(device)
    if message:
        raise DomainError(message, "code")
    if not device.verify_token(_normalised(code)):
        raise DomainError(
            "Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực "
            "(kiểm tra giờ của điện thoại).",
            "code",
        )
    # The code was checked outside a transaction so that a wrong one counts for throttling.
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
        had_one = replaced.filter(confirmed=True).exists()
        replaced.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        _audit(
            request,
            user,
            "đã bật" if had_one else "chưa bật",
            "đã bật (ứng dụng mới)" if had_one else "đã bật",
            "enrolled",
        )
    django_otp.login(request, device)
    request.session.cycle_key()
    return codes


@transaction.atomic
def new_recovery_codes(request) -> list[str]:
    """A fresh set of recovery codes (the old ones stop working); needs a verified session."""
    user = request.user
    if not enrolled(user) or not is_verified(user):
        raise DomainError("Cần bật và xác thực hai lớp trước khi tạo mã khôi phục.", "code")
    codes = _replace_recovery_codes(user)
    _audit(request, user, "đã bật", "đã bật (mã khôi phục mới)", "new_recovery_codes")
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(request, code: str):
    """Verify the session with a code from the app or a recovery code (which is used up).
    Returns (device, recovery_codes_left or None when the app's code was used)."""
    user = request.user
    code = _normalised(code)
    app = app_device(user)
    if app is None:
        raise DomainError("Tài khoản chưa đăng ký ứng dụng xác thực.", "code")
    use_app = code.isdigit() and len(code) == app.digits
    device = app if use_app else StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise DomainError("Mã không đúng.", "code")
    message = _throttled_message(device)
    if message:
        raise DomainError(message, "code")
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        raise DomainError(
            "Mã không đúng. Nhập mã 6 chữ số trong ứng dụng xác thực, hoặc một mã khôi phục.",
            "code",
        )
    django_otp.login(request, verified)
    request.session.cycle_key()
    if use_app:
        return verified, None
    left = recovery_codes_left(user)
    _audit(request, user, "đã bật", f"đã bật (dùng 1 mã khôi phục, còn {left})", "recovery_used")
    return verified, left


@transaction.atomic
def reset(account, *, request, reason: str) -> None:
    """The administrator removes an account's second factor (lost phone): the app and the
    recovery codes go, and its API token (made under the old factor); the account enrols
    again at its next sign-in. Logged with the reason."""
    admin = request.user
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Cần ghi lý do đặt lại.", "reason")
    if account.pk == admin.pk:
        raise DomainError(
            "Không thể tự đặt lại xác thực hai lớp của mình; hãy nhờ quản trị viên khác.",
            "reason",
        )
    if not accounts.manageable_users(admin).filter(pk=account.pk).exists():
        raise DomainError("Tài khoản nằm ngoài phạm vi quản trị của bạn.", "reason")
    devices = TOTPDevice.objects.filter(user=account)
    if not devices.filter(confirmed=True).exists():
        raise DomainError("Tài khoản này chưa bật xác thực hai lớp.", "reason")
    devices.delete()
    StaticDevice.objects.filter(user=account).delete()
    Token.objects.filter(user=account).delete()
    _audit(request, account, "đã bật", "đã đặt lại (phải đăng ký lại)", "reset", reason=reason)
