"""Signing in: the lockout page (django-axes) and the second factor (enrolment, code, the
account's security page). The rules and writes are in `dangbo.core.twofactor`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.generic import FormView, TemplateView

from dangbo.core import forms, twofactor
from dangbo.core.errors import DomainError

NEW_CODES_SESSION_KEY = "dangbo_new_recovery_codes"


def lockout_response(request, original_response=None, credentials=None):
    """Axes' answer to a locked (user name, address) pair: a Vietnamese page, HTTP 429."""
    from axes.helpers import get_client_username, get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked.html", context, status=429)


class SecondFactorMixin(LoginRequiredMixin):
    """Pages of the sign-in flow: no main menu (the session may not be verified yet)."""

    hide_menu = True

    def next_url(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return candidate
        return reverse("home")

    def get_context_data(self, **kwargs):
        if self.hide_menu:
            kwargs["nav_items"] = []
        return super().get_context_data(next=self.next_url(), **kwargs)

    def form_error(self, form, error: DomainError):
        form.add_error("code" if error.field == "code" else None, error.full_message)
        return self.form_invalid(form)


class SecondFactorView(SecondFactorMixin, FormView):
    """The code page after the password: a code from the app, or a recovery code."""

    template_name = "registration/second_factor.html"
    form_class = forms.SecondFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not twofactor.enrolled(request.user):
                return redirect(twofactor.pending_url(request.user, self.next_url()))
            if twofactor.is_verified(request.user):
                return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="Xác thực hai lớp", **kwargs)

    def form_valid(self, form):
        try:
            _, left = twofactor.verify(self.request, form.cleaned_data["code"])
        except DomainError as error:
            return self.form_error(form, error)
        if left is not None:
            messages.warning(
                self.request,
                f"Bạn vừa dùng một mã khôi phục (mỗi mã chỉ dùng được một lần); còn {left} mã. "
                "Hãy tạo bộ mã mới ở trang «Bảo mật tài khoản» nếu sắp hết.",
            )
        return redirect(self.next_url())


class SecondFactorEnrolView(SecondFactorMixin, FormView):
    """Enrolment: scan the QR code (or type the secret), confirm with a first code."""

    template_name = "registration/second_factor_enrol.html"
    form_class = forms.EnrolCodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and twofactor.enrolled(user) and not twofactor.is_verified(user):
            # Replacing a second factor needs the current one first.
            return redirect(twofactor.pending_url(user, self.next_url()))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = twofactor.pending_enrolment(self.request.user)
        return super().get_context_data(
            title="Đăng ký xác thực hai lớp",
            qr_svg=mark_safe(twofactor.qr_svg(device)),  # generated SVG, no user input
            secret=twofactor.secret_text(device),
            required=twofactor.required(self.request.user),
            replacing=twofactor.enrolled(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        device = twofactor.pending_enrolment(self.request.user)
        try:
            codes = twofactor.confirm_enrolment(self.request, device, form.cleaned_data["code"])
        except DomainError as error:
            return self.form_error(form, error)
        self.request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(self.request, "Đã bật xác thực hai lớp.")
        query = urlencode({"next": self.next_url()})
        return redirect(f"{reverse('core:account_security')}?{query}")


class AccountSecurityView(SecondFactorMixin, TemplateView):
    """The officer's own page: second factor status, new recovery codes (shown once)."""

    template_name = "core/account_security.html"
    hide_menu = False

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            title="Bảo mật tài khoản",
            required=twofactor.required(user),
            enrolled=twofactor.enrolled(user),
            device=twofactor.app_device(user),
            codes_left=twofactor.recovery_codes_left(user),
            new_codes=self.request.session.pop(NEW_CODES_SESSION_KEY, None),
            enabled=twofactor.enabled(),
            **kwargs,
        )

    def post(self, request):
        try:
            codes = twofactor.new_recovery_codes(request)
        except DomainError as error:
            messages.error(request, error.full_message)
            return redirect("core:account_security")
        request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(request, "Đã tạo bộ mã khôi phục mới; các mã cũ không dùng được nữa.")
        return redirect("core:account_security")
