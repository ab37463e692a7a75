"""Member accounts: the first login must change the one-time password before anything else,
and the home page of a member account is the portal. Reads only session flags set at login
(`receivers.set_login_flags`): no query per request."""

from django.shortcuts import redirect
from django.urls import reverse

from dangbo.portal.receivers import SESSION_MEMBER, SESSION_MUST_CHANGE


class PortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_MEMBER):
            path = request.path_info
            password_url = reverse("portal:password")
            allowed = (password_url, reverse("logout"), reverse("login"))
            if session.get(SESSION_MUST_CHANGE) and not (
                path in allowed or path.startswith(("/static/", "/favicon"))
            ):
                return redirect(password_url)
            if path == "/":
                return redirect("portal:index")
        return self.get_response(request)
