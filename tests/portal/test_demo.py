from django.contrib.auth import get_user_model

from dangbo.demo.portal import USERNAME, seed_portal
from dangbo.demo.users import DEMO_PASSWORD
from dangbo.portal.models import MemberAccount, Notification
from tests.meetings.conftest import held_meeting


def test_demo_member_account(tree, client):
    held_meeting(tree["cell_a"], tree["members_a"])
    line = seed_portal()
    assert USERNAME in line and DEMO_PASSWORD in line
    assert seed_portal().startswith(f"  {USERNAME}")  # idempotent
    user = get_user_model().objects.get(username=USERNAME)
    account = MemberAccount.objects.get(user=user)
    assert account.member.organization == tree["cell_a"] and not account.must_change_password
    assert Notification.objects.filter(member=account.member, kind="meeting").exists()
    assert client.login(username=USERNAME, password=DEMO_PASSWORD)
    body = client.get("/portal/").content.decode()
    assert "Sinh hoạt sắp tới" in body and "Chưa xác nhận tham dự" in body
    assert "1 chưa hoàn thành" in body
