"""Signing in: the lockout page (django-axes)."""

from django.conf import settings
from django.shortcuts import render


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
