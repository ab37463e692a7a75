"""Two officers at once: one wins, the other gets a clear message; nothing is overwritten."""

import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from dangbo.core.errors import DomainError
from dangbo.members import services
from dangbo.members.models import Member, MemberEvent
from dangbo.transfers import services as transfer_services
from dangbo.transfers.models import Transfer
from tests import factories


def test_a_stale_correction_is_refused_with_a_clear_message(tree, admin_client):
    member = tree["members_a"][0]
    url = reverse("members:edit", args=[member.pk])
    form = admin_client.get(url).context["form"]
    stale = form["version"].value()
    assert stale == member.version
    # another officer corrects the record first
    services.correct_identity(member, reason="Sai quê quán", place_of_origin="Nam Định")
    data = {
        name: form[name].value() or "" for name in form.fields if name not in ("reason", "version")
    }
    data.update(
        full_name="Nguyễn Văn Bính",
        reason="Sai chính tả họ tên",
        version=stale,
        birth_date="15/03/1985",
        admitted_on="19/05/2010",
        official_on="19/05/2011",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in response.content.decode()
    member.refresh_from_db()
    assert (member.full_name, member.place_of_origin) == ("Nguyễn Văn Bình", "Nam Định")
    assert MemberEvent.objects.filter(member=member, kind="corrected").count() == 1


def test_a_current_version_is_accepted(tree):
    member = tree["members_a"][0]
    services.correct_identity(
        member, reason="Sai quê quán", place_of_origin="Thái Bình", expected_version=member.version
    )
    with pytest.raises(DomainError, match="vừa được người khác"):
        services.correct_identity(
            member, reason="Lần hai", place_of_origin="Hà Nam", expected_version=member.version
        )


@pytest.mark.django_db(transaction=True)
def test_two_officers_transferring_the_same_member_at_once(request):
    """Both submit together: the member row lock lets one through; the other is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    # Real commits from two threads: a transactional test. An earlier one's flush removed the
    # rows the migrations wrote (org types, roles); reload them before building the tree.
    factories.rerun_data_migrations()
    tree = request.getfixturevalue("tree")
    member = tree["members_a"][0]
    targets = [tree["cell_b"], tree["village"]]
    outcomes, barrier = [], threading.Barrier(2)

    def transfer(target, number):
        from django.db import connections

        try:
            barrier.wait()
            transfer_services.issue(
                member, to_org=target, on=date(2026, 3, 2), paper_number=f"{number}-GGT"
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=transfer, args=(t, i)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=len) == [
        "ok",
        "Đảng viên đang có một giấy giới thiệu chưa hoàn tất.",
    ]
    assert Transfer.objects.filter(member=member).count() == 1
    assert Member.objects.get(pk=member.pk).organization_id == tree["cell_a"].pk
