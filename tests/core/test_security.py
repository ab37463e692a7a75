"""Login protection: lockout after repeated failures, session expiry, CSRF, security headers."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_lockout_after_repeated_failures(db, axes_on, client):
    factories.user("bithu")
    for _ in range(2):
        assert _login(client, "bithu", "sai-mat-khau").status_code == 200
    locked = _login(client, "bithu", "sai-mat-khau")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert _login(client, "bithu", "Mat-khau-123!").status_code == 429


def test_success_before_limit_resets_failures(db, axes_on, client):
    factories.user("bithu")
    _login(client, "bithu", "sai")
    _login(client, "bithu", "sai")
    assert _login(client, "bithu", "Mat-khau-123!").status_code == 302
    client.logout()
    _login(client, "bithu", "sai")
    assert _login(client, "bithu", "Mat-khau-123!").status_code == 302


def test_session_expires_after_a_working_day_and_at_browser_close(admin_client):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert 0 < admin_client.session.get_expiry_age() <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY


def test_csrf_is_enforced(db):
    factories.user("bithu")
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "bithu", "Mat-khau-123!")
    assert response.status_code == 403


def test_security_headers(admin_client):
    response = admin_client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_weak_password_is_refused(admin_client, tree):
    response = admin_client.post(
        reverse("core:user_create"),
        {
            "username": "moi",
            "full_name": "Người Mới",
            "organization": tree["cell_a"].pk,
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in response.content.decode()
    assert not get_user_model().objects.filter(username="moi").exists()
