"""Login protection: lockout after repeated failures, session expiry, CSRF, security headers."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _login(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def _lock(username, address="192.0.2.66", **headers):
    client = Client()
    for _ in range(3):
        response = _login(client, username, "sai-mat-khau", address, **headers)
    assert response.status_code == 429
    return client


def test_lockout_after_repeated_failures(db, axes_on, client):
    factories.user("bithu")
    for _ in range(2):
        assert _login(client, "bithu", "sai-mat-khau").status_code == 200
    locked = _login(client, "bithu", "sai-mat-khau")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page
    assert "Đăng nhập sai 3 lần liên tiếp với tên đăng nhập <strong>bithu</strong>" in page
    assert "trong 15 phút" in page
    # Even the right password is refused while locked out.
    assert _login(client, "bithu", "Mat-khau-123!").status_code == 429


def test_the_lock_holds_the_pair_not_the_user_nor_the_address(db, axes_on):
    factories.user("alice")
    factories.user("bob")
    _lock("alice", "192.0.2.66")
    # The attacker's address cannot use alice's name, even with her password...
    assert _login(Client(), "alice", "Mat-khau-123!", "192.0.2.66").status_code == 429
    # ...but alice signs in from her own machine, and bob from the attacker's address.
    assert _login(Client(), "alice", "Mat-khau-123!", "198.51.100.4").status_code == 302
    assert _login(Client(), "bob", "Mat-khau-123!", "192.0.2.66").status_code == 302


def test_the_lock_opens_after_the_cool_off(db, axes_on):
    factories.user("alice")
    _lock("alice", "192.0.2.66")
    assert _login(Client(), "alice", "Mat-khau-123!", "192.0.2.66").status_code == 429
    # Sixteen minutes later (the cool-off is 15).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(Client(), "alice", "Mat-khau-123!", "192.0.2.66").status_code == 302


def test_behind_the_trusted_proxy_one_attacker_does_not_lock_everyone(db, axes_on, settings):
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    factories.user("alice")
    via_proxy = {"HTTP_X_FORWARDED_FOR": "192.0.2.66"}
    _lock("alice", "127.0.0.1", **via_proxy)
    alice = {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert _login(Client(), "alice", "Mat-khau-123!", "127.0.0.1", **alice).status_code == 302
    assert _login(Client(), "alice", "Mat-khau-123!", "127.0.0.1", **via_proxy).status_code == 429


def test_a_spoofed_header_from_an_untrusted_peer_does_not_escape_the_lock(db, axes_on, settings):
    settings.DANGBO_TRUSTED_PROXIES = ["127.0.0.1"]
    factories.user("alice")
    _lock("alice", "192.0.2.66")
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert _login(Client(), "alice", "Mat-khau-123!", "192.0.2.66", **forged).status_code == 429


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
