"""Merge, split, found and dissolve through the screens, as an officer would."""

from django.urls import reverse

from dangbo.members.models import Member
from dangbo.organizations.models import Organization

DECISION = {
    "decision_number": "20-QĐ/ĐU",
    "decision_date": "01/06/2025",
    "signer": "Trần Văn B",
    "effective_date": "01/06/2025",
}


def test_merge_cells_through_form(admin_client, tree):
    url = reverse("members:org_merge", args=[tree["cell_a"].pk])
    form = admin_client.get(url).content.decode()
    assert "Chi bộ Phòng Nghiệp vụ" in form
    response = admin_client.post(url, {**DECISION, "sources": [tree["cell_b"].pk]})
    assert response.status_code == 302
    assert Member.objects.get(pk=tree["members_b"][0].pk).organization_id == tree["cell_a"].pk
    assert not Organization.objects.get(pk=tree["cell_b"].pk).is_active


def test_split_cell_through_form(admin_client, tree):
    url = reverse("members:org_split", args=[tree["cell_a"].pk])
    first, second, third = tree["members_a"]
    data = {
        **DECISION,
        "new_names": "Chi bộ Văn phòng 1\nChi bộ Văn phòng 2",
        f"part_{first.pk}": 1,
        f"part_{second.pk}": 2,
        f"part_{third.pk}": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302
    one = Organization.objects.get(name="Chi bộ Văn phòng 1")
    assert list(one.members.values_list("pk", flat=True)) == [first.pk]
    assert Member.objects.get(pk=third.pk).organization_id == tree["cell_a"].pk


def test_split_refuses_unknown_part(admin_client, tree):
    url = reverse("members:org_split", args=[tree["cell_a"].pk])
    first = tree["members_a"][0]
    response = admin_client.post(url, {**DECISION, "new_names": "Chi bộ X", f"part_{first.pk}": 3})
    assert "Chỉ có 1 chi bộ mới" in response.content.decode()
    assert not Organization.objects.filter(name="Chi bộ X").exists()


def test_found_and_dissolve_through_forms(admin_client, tree):
    from dangbo.organizations.models import OrgType

    cell_type = OrgType.objects.get(code="cell")
    response = admin_client.post(
        reverse("organizations:found", args=[tree["committee"].pk]),
        {**DECISION, "name": "Chi bộ Phòng Pháp chế", "org_type": cell_type.pk, "code": ""},
    )
    assert response.status_code == 302
    new = Organization.objects.get(name="Chi bộ Phòng Pháp chế")
    assert new.path.startswith(tree["committee"].path)
    response = admin_client.post(reverse("organizations:dissolve", args=[new.pk]), DECISION)
    assert response.status_code == 302
    assert not Organization.objects.get(pk=new.pk).is_active
    # a cell with members cannot be dissolved: the Vietnamese reason is shown
    response = admin_client.post(
        reverse("organizations:dissolve", args=[tree["cell_a"].pk]), DECISION
    )
    assert "còn 3 đảng viên" in response.content.decode()


def test_member_status_change_through_form(admin_client, tree):
    member = tree["members_a"][0]
    response = admin_client.post(
        reverse("members:status", args=[member.pk]),
        {
            "new_status": "deceased",
            "on": "02/02/2025",
            "decision_number": "3-QĐ",
            "reason": "Từ trần",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "deceased"
    page = admin_client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "Từ trần" in page
