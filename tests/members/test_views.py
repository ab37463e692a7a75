import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from dangbo.core.text import mask_id_number
from dangbo.members.models import Member
from tests import factories


def test_list_masks_id_numbers_and_filters_by_unaccented_name(admin_client, tree):
    response = admin_client.get(reverse("members:list"), {"q": "tran thi hang"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Trần Thị Hằng" in body and "Nguyễn Văn Bình" not in body
    m = Member.objects.get(full_name="Trần Thị Hằng")
    assert m.id_number not in body and m.id_number[-3:] in body


def test_list_filters_by_subtree_and_status(admin_client, tree):
    response = admin_client.get(
        reverse("members:list"), {"org": tree["cell_a"].pk, "status": "probationary"}
    )
    body = response.content.decode()
    assert "Lê Đức Anh" in body and "Nguyễn Văn Bình" not in body


def test_member_list_query_count_is_constant(admin_client, tree, django_assert_max_num_queries):
    for i in range(30):
        factories.member(tree["cell_b"], f"Hoàng Văn Số {i}")
    with django_assert_max_num_queries(8):
        assert admin_client.get(reverse("members:list")).status_code == 200


def test_detail_is_logged_as_access(admin_client, admin_user, tree):
    m = tree["members_a"][0]
    response = admin_client.get(reverse("members:detail", args=[m.pk]))
    assert response.status_code == 200
    assert "năm" in response.content.decode()  # party age shown
    log = LogEntry.objects.filter(object_pk=str(m.pk), action=LogEntry.Action.ACCESS)
    assert log.filter(actor=admin_user).count() == 1


def test_cell_secretary_sees_only_their_cell(client, tree):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    body = client.get(reverse("members:list")).content.decode()
    assert "Nguyễn Văn Bình" in body and "Phạm Quang Dũng" not in body
    outside = tree["members_b"][0]
    assert client.get(reverse("members:detail", args=[outside.pk])).status_code == 404


def test_create_with_bad_data_shows_vietnamese_error(admin_client, tree):
    data = {
        "organization": tree["cell_a"].pk,
        "full_name": "Võ Thị Mai",
        "gender": "F",
        "birth_date": "15/03/2012",
        "admitted_on": "01/02/2020",
        "ethnicity": "Kinh",
        "religion": "none",
        "theory_level": "none",
        "id_number": "123",
    }
    response = admin_client.post(reverse("members:create"), data)
    assert response.status_code == 200
    assert "12 chữ số" in response.content.decode()
    data["id_number"] = "001203004999"
    response = admin_client.post(reverse("members:create"), data)
    assert "đủ 18 tuổi" in response.content.decode()
    assert not Member.objects.filter(full_name="Võ Thị Mai").exists()
    data["birth_date"] = "15/03/1990"
    response = admin_client.post(reverse("members:create"), data)
    assert response.status_code == 302
    assert Member.objects.get(full_name="Võ Thị Mai").birth_date.year == 1990


@pytest.mark.parametrize("name", ["members:edit", "members:status"])
def test_forms_outside_subtree_are_404(client, tree, name):
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    assert client.get(reverse(name, args=[tree["members_b"][0].pk])).status_code == 404
    assert client.get(reverse(name, args=[tree["members_a"][0].pk])).status_code == 200


def _form_data(form, **changes) -> dict:
    data = {name: form[name].value() or "" for name in form.fields}
    for name in ("birth_date", "admitted_on", "ceremony_on", "official_on"):
        value = form[name].value()
        data[name] = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value or ""
    return {**data, **changes}


def test_edit_form_never_carries_a_masked_id_number(client, tree):
    """A cell secretary corrects a member without seeing the ID number: the field comes empty
    (the masked number as a hint), empty keeps it, a full new number replaces it."""
    member = tree["members_a"][0]
    url = reverse("members:edit", args=[member.pk])
    client.force_login(factories.user(role_code="cell_secretary", on=tree["cell_a"]))
    page = client.get(url)
    assert member.id_number not in page.content.decode()
    assert f'placeholder="{mask_id_number(member.id_number)}"' in page.content.decode()
    data = _form_data(page.context["form"], place_of_origin="Nam Định", reason="Sai quê")
    assert client.post(url, data).status_code == 302
    kept = member.id_number
    member.refresh_from_db()
    assert (member.place_of_origin, member.id_number) == ("Nam Định", kept)
    page = client.get(url)
    data = _form_data(page.context["form"], id_number="079190000333", reason="Sai số định danh")
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.id_number == "079190000333"


def test_edit_form_shows_the_number_to_who_may_see_it(admin_client, tree):
    member = tree["members_a"][0]
    page = admin_client.get(reverse("members:edit", args=[member.pk]))
    assert f'value="{member.id_number}"' in page.content.decode()


def test_each_page_of_the_member_list_is_one_access_entry(client, tree):
    user = factories.user(role_code="viewer", on=tree["province"])
    client.force_login(user)
    client.get(reverse("members:list"), {"status": "official", "q": ""})
    entry = LogEntry.objects.get(actor=user, action=LogEntry.Action.ACCESS)
    assert entry.additional_data["list"] == "đảng viên" and entry.additional_data["rows"] == 4
    assert "status=official" in entry.additional_data["filters"]
