"""The second factor at sign-in: enrolment, codes, recovery, reset, the API.

Who must use it: tests/core/test_second_factor_rule.py."""

import time
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from dangbo.core import twofactor
from dangbo.core.models import Role, UserProfile
from tests import factories

PASSWORD = "Mat-khau-123!"


# --- the flow ---------------------------------------------------------------------------------


@pytest.fixture
def second_factor_on(settings):
    settings.DANGBO_SECOND_FACTOR = True


@pytest.fixture
def officer(tree):
    return factories.user("canbo", role_code="grassroots_committee", on=tree["committee"])


def code_for(device, steps_ahead=0):
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(username, password=PASSWORD):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def enrol(client):
    """Open the enrolment page and confirm it with the current code; returns the codes."""
    page = client.get(reverse("core:second_factor_enrol"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(reverse("core:second_factor_enrol"), {"code": code_for(device)})
    assert response.status_code == 302
    return list(
        StaticToken.objects.filter(device__user=device.user).values_list("token", flat=True)
    )


def test_officer_enrols_at_first_sign_in(second_factor_on, officer):
    client = sign_in("canbo")
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(
        reverse("core:second_factor_enrol")
    )
    page = client.get(home["Location"]).content.decode()
    assert "Đăng ký xác thực hai lớp" in page and "<svg" in page
    # The QR code is drawn here: no image or script fetched from another site.
    assert 'src="http' not in page and "https://" not in page.split("<main", 1)[1]
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert twofactor.secret_text(device).replace(" ", "") in page.replace(" ", "")

    response = client.post(
        reverse("core:second_factor_enrol"), {"code": code_for(device), "next": "/members/"}
    )
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    codes = StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    assert len(codes) == 10 and all(code in shown for code in codes)
    assert 'href="/members/" id="continue"' in shown
    # Shown once only.
    again = client.get(reverse("core:account_security")).content.decode()
    assert not any(code in again for code in codes) and "Còn <strong>10</strong>" in again
    assert client.get(reverse("home")).status_code == 200
    entry = LogEntry.objects.get(additional_data__second_factor="enrolled")
    assert entry.object_id == officer.pk and entry.actor == officer
    assert device.key not in str(entry.changes) + str(entry.additional_data)


def test_wrong_enrolment_code_changes_nothing(second_factor_on, officer):
    client = sign_in("canbo")
    client.get(reverse("core:second_factor_enrol"))
    response = client.post(reverse("core:second_factor_enrol"), {"code": "000000x"})
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not StaticToken.objects.exists()
    assert client.get(reverse("home")).status_code == 302


def test_an_unverified_session_reaches_nothing(second_factor_on, officer):
    client = sign_in("canbo")
    for path in ("/members/", reverse("core:token"), reverse("core:account_security")):
        assert client.get(path).status_code == 302, path
    api = client.get("/api/v1/members/")
    assert api.status_code == 403 and "chưa xác thực hai lớp" in api.json()["detail"]
    htmx = client.get("/members/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"].startswith(reverse("core:second_factor_enrol"))


def test_sign_in_with_a_code_after_enrolment(second_factor_on, officer):
    enrol(sign_in("canbo"))
    device = TOTPDevice.objects.get(user=officer)
    client = sign_in("canbo")
    response = client.get("/members/")
    assert response["Location"] == f"{reverse('core:second_factor')}?next=%2Fmembers%2F"
    # The enrolment page cannot be used to replace the app before the code is given.
    assert client.get(reverse("core:second_factor_enrol"))["Location"].startswith(
        reverse("core:second_factor")
    )
    wrong = client.post(reverse("core:second_factor"), {"code": "123456"})
    assert "Mã không đúng" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # Wrong codes slow the next tries down (1 s, 2 s, 4 s…), even a right one.
    throttled = client.post(reverse("core:second_factor"), {"code": code_for(device, 1)})
    assert "hãy chờ" in throttled.content.decode()
    TOTPDevice.objects.update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=5))
    response = client.post(
        reverse("core:second_factor"), {"code": code_for(device, 1), "next": "/members/"}
    )
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert client.get(reverse("home")).status_code == 200


def test_a_code_cannot_be_used_twice(second_factor_on, officer):
    enrol(sign_in("canbo"))
    device = TOTPDevice.objects.get(user=officer)
    code = code_for(device, 1)
    first = sign_in("canbo")
    assert first.post(reverse("core:second_factor"), {"code": code}).status_code == 302
    second = sign_in("canbo")
    response = second.post(reverse("core:second_factor"), {"code": code})
    assert response.status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_a_recovery_code_signs_in_once(second_factor_on, officer):
    codes = enrol(sign_in("canbo"))
    client = sign_in("canbo")
    written = f" {codes[0][:4].upper()}-{codes[0][4:]} "  # as people type it
    response = client.post(reverse("core:second_factor"), {"code": written}, follow=True)
    assert "còn 9 mã" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    assert LogEntry.objects.filter(additional_data__second_factor="recovery_used").exists()
    again = sign_in("canbo")
    assert again.post(reverse("core:second_factor"), {"code": codes[0]}).status_code == 200
    assert again.get(reverse("home")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(second_factor_on, officer):
    client = sign_in("canbo")
    old = enrol(client)
    response = client.post(reverse("core:account_security"), follow=True)
    new = list(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(new) == 10 and not set(old) & set(new)
    assert all(code in response.content.decode() for code in new)


def test_cell_roles_on_their_cell_sign_in_with_the_password(second_factor_on, tree):
    factories.user("bithu", role_code="cell_secretary", on=tree["cell_a"])
    assert sign_in("bithu").get(reverse("home")).status_code == 200
    # The same role granted on the committee reaches beyond one cell.
    factories.user("bithu2", role_code="cell_secretary", on=tree["committee"])
    assert sign_in("bithu2").get(reverse("home")).status_code == 302


def test_the_role_flag_requires_it_on_a_cell(second_factor_on, tree, admin_user):
    factories.user("bithu", role_code="cell_secretary", on=tree["cell_a"])
    Role.objects.filter(code="cell_secretary").update(requires_second_factor=True)
    assert sign_in("bithu").get(reverse("home")).status_code == 302


def verified(client, user):
    """A test client signed in as `user` with a verified second factor."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_administrator_resets_a_lost_second_factor(second_factor_on, officer, admin_user):
    officer_client = sign_in("canbo")
    enrol(officer_client)
    assert officer_client.get(reverse("home")).status_code == 200
    Token.objects.create(user=officer)
    admin = verified(Client(), admin_user)
    page = admin.get(reverse("core:user", args=[officer.pk])).content.decode()
    assert "Xác thực hai lớp: đã bật" in page and "Đặt lại xác thực hai lớp" in page
    url = reverse("core:user_second_factor_reset", args=[officer.pk])
    assert admin.post(url, {"reason": " "}).status_code == 200  # the reason is required
    assert TOTPDevice.objects.filter(user=officer).exists()

    response = admin.post(url, {"reason": "Mất điện thoại"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    assert not Token.objects.filter(user=officer).exists()
    entry = LogEntry.objects.get(additional_data__second_factor="reset")
    assert entry.actor == admin_user and entry.additional_data["reason"] == "Mất điện thoại"
    history = admin.get(reverse("core:user", args=[officer.pk])).content.decode()
    assert "đã đặt lại (phải đăng ký lại)" in history
    # The officer's open session is no longer verified: enrol again.
    home = officer_client.get(reverse("home"))
    assert home["Location"].startswith(reverse("core:second_factor_enrol"))


def test_reset_is_refused_outside_the_subtree_and_for_oneself(second_factor_on, tree):
    outsider = factories.user("xa", role_code="grassroots_committee", on=tree["village"])
    TOTPDevice.objects.create(user=outsider, name="app", confirmed=True)
    factories.user("le", role_code="grassroots_committee", on=tree["committee"])
    local_admin = factories.user("qt", role_code="province_admin", on=tree["bloc"])
    UserProfile.objects.create(user=outsider, organization=tree["village"])
    UserProfile.objects.create(user=local_admin, organization=tree["bloc"])
    admin = verified(Client(), local_admin)
    url = reverse("core:user_second_factor_reset", args=[outsider.pk])
    assert admin.post(url, {"reason": "thử"}).status_code == 404
    own = admin.post(
        reverse("core:user_second_factor_reset", args=[local_admin.pk]), {"reason": "x"}
    )
    assert "Không thể tự đặt lại" in own.content.decode()
    assert TOTPDevice.objects.filter(user=local_admin, confirmed=True).exists()


# --- the API ----------------------------------------------------------------------------------


def _api(token):
    return Client().get("/api/v1/roles/", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_api_tokens_follow_the_second_factor(second_factor_on, officer, tree):
    old = Token.objects.create(user=officer)  # made before the second factor existed
    response = _api(old)
    assert response.status_code == 401 and "xác thực hai lớp" in response.json()["detail"]
    client = sign_in("canbo")
    enrol(client)
    assert _api(old).status_code == 401  # older than the enrolment
    client.post(reverse("core:token"), {"action": "create"})
    assert _api(Token.objects.get(user=officer)).status_code == 200
    # An account the rule does not cover keeps its token.
    cell = factories.user("bithu", role_code="cell_secretary", on=tree["cell_a"])
    assert _api(Token.objects.create(user=cell)).status_code == 200


def test_api_token_screen_needs_the_second_factor(second_factor_on, officer):
    client = sign_in("canbo")
    assert client.post(reverse("core:token"), {"action": "create"}).status_code == 302
    assert not Token.objects.filter(user=officer).exists()
