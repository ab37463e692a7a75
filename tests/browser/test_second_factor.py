"""An officer with reach beyond one cell: enrols an authenticator app at the first sign-in
(the code computed here from the secret the page shows, as the phone would), signs in again
with a code, then with a recovery code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests import factories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def _code(secret: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _password(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill("Mat-khau-123!")
    page.get_by_role("button", name="Đăng nhập").click()


def test_enrol_sign_in_with_a_code_and_with_a_recovery_code(page, live_server, tree, settings):
    settings.DANGBO_SECOND_FACTOR = True
    factories.user("canbo", role_code="grassroots_committee", on=tree["committee"])

    _password(page, live_server, "canbo")
    page.get_by_role("heading", name="Đăng ký xác thực hai lớp").wait_for()
    assert page.locator("#enrol-qr svg").count() == 1
    secret = page.locator("#enrol-secret").inner_text()
    page.get_by_label("Mã 6 chữ số trong ứng dụng").fill(_code(secret))
    page.get_by_role("button", name="Xác nhận").click()

    page.get_by_role("heading", name="Mã khôi phục — chỉ hiện một lần").wait_for()
    codes = page.locator("#recovery-codes .recovery-code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Tiếp tục").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Đăng xuất").click()

    _password(page, live_server, "canbo")
    page.get_by_role("heading", name="Xác thực hai lớp").wait_for()
    page.get_by_label("Mã xác thực").fill(_code(secret, 1))  # the next 30 s step: not a replay
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Đăng xuất").click()

    _password(page, live_server, "canbo")
    page.get_by_label("Mã xác thực").fill(codes[0])
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "còn 9 mã" in page.locator("main").inner_text()
    page.get_by_role("link", name="Bảo mật tài khoản (xác thực hai lớp)").click()
    assert "Còn 9 mã khôi phục" in page.locator("#codes-left").inner_text()
