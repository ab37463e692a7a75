from dangbo.members.models import Member
from dangbo.portal.models import Notification
from dangbo.reviews import services as review_services
from tests.portal.conftest import login

LISTS = ["profile", "meetings", "dues", "tasks", "reviews", "notifications"]


def test_member_api_shows_only_own_rows(portal, client, django_assert_max_num_queries):
    alice, bob = portal["alice"], portal["bob"]
    Member.objects.filter(pk=alice.pk).update(id_number="001203004567")
    review_services.open_year(organization=portal["committee"], year=2026)
    login(client, portal["accounts"][alice.pk])
    for name in LISTS:
        with django_assert_max_num_queries(8):
            response = client.get(f"/api/v1/portal/me/{name}/")
        assert response.status_code == 200, name
    profile = client.get("/api/v1/portal/me/profile/").json()["results"]
    assert [p["id"] for p in profile] == [alice.pk]
    assert profile[0]["id_number"] == "*********567"
    meetings = client.get("/api/v1/portal/me/meetings/").json()["results"]
    assert {m["id"] for m in meetings} == {portal["meeting_a"].pk, portal["past"].pk}
    assert meetings[0]["documents"][0]["title"] == "Dự thảo nghị quyết tháng"
    tasks = client.get("/api/v1/portal/me/tasks/").json()["results"]
    assert [t["id"] for t in tasks] == [portal["alice_task"].pk]
    dues = client.get("/api/v1/portal/me/dues/").json()
    assert dues["count"] == 3
    # another member's or another cell's ids: 404
    bob_note = Notification.objects.filter(member=bob).first()
    for url in (
        f"/api/v1/portal/me/profile/{bob.pk}/",
        f"/api/v1/portal/me/meetings/{portal['meeting_b'].pk}/",
        f"/api/v1/portal/me/tasks/{portal['bob_task'].pk}/",
        f"/api/v1/portal/me/notifications/{bob_note.pk}/",
        f"/api/v1/portal/me/reviews/{bob.reviews.get().pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # filters by member are not accepted: still only own rows
    assert client.get("/api/v1/portal/me/dues/", {"member": bob.pk}).json()["count"] == 3
