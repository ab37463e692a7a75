from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.training import rules, services
from dangbo.training.models import Enrolment, TrainingClass
from tests import factories


def test_candidate_certificate_valid_60_months():
    assert rules.valid_until("candidate", date(2021, 3, 15)) == date(2026, 3, 14)
    assert rules.valid_until("new_member", date(2021, 3, 15)) is None
    assert rules.is_valid_on(date(2026, 3, 14), date(2026, 3, 14))
    assert not rules.is_valid_on(date(2026, 3, 14), date(2026, 3, 15))


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_validity_is_five_years_less_a_day(issued):
    until = rules.valid_until("candidate", issued)
    assert 1824 <= (until - issued).days <= 1826


@pytest.fixture
def klass(tree):
    return services.open_class(
        organization=tree["bloc"],
        kind="candidate",
        name="Lớp bồi dưỡng nhận thức về Đảng khóa 1",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 6),
    )


def test_results_issue_numbered_certificates(klass, tree):
    a = services.enrol_person(
        klass, full_name="Vũ Văn Hùng", id_number="001099001234", birth_date=date(1999, 1, 1)
    )
    b = services.enrol_person(
        klass, full_name="Lý Thị Ngân", id_number="001099004321", birth_date=date(2000, 2, 2)
    )
    with pytest.raises(DomainError) as err:
        services.record_results(klass, {a.pk: ("passed", Decimal("8"))}, issued_on=date(2026, 3, 5))
    assert "sau khi lớp kết thúc" in err.value.message
    services.record_results(
        klass,
        {a.pk: ("passed", Decimal("8.5")), b.pk: ("failed", None)},
        issued_on=date(2026, 3, 10),
    )
    a.refresh_from_db()
    assert a.certificate_number == f"{klass.pk}/2026/0001"
    assert a.certificate_valid_until == date(2031, 3, 9)
    assert services.valid_certificate("001099001234", "candidate", date(2030, 1, 1)) == a
    assert services.valid_certificate("001099001234", "candidate", date(2031, 3, 10)) is None
    assert services.valid_certificate("001099004321", "candidate", date(2027, 1, 1)) is None


def test_bad_inputs_change_nothing(klass, tree):
    with pytest.raises(DomainError):
        services.enrol_person(klass, full_name="X", id_number="123", birth_date=None)
    a = services.enrol_person(
        klass, full_name="Vũ Văn Hùng", id_number="001099001234", birth_date=None
    )
    with pytest.raises(DomainError):
        services.enrol_person(
            klass, full_name="Vũ Văn Hùng", id_number="001099001234", birth_date=None
        )
    with pytest.raises(DomainError):
        services.record_results(
            klass, {a.pk: ("passed", Decimal("12"))}, issued_on=date(2026, 3, 10)
        )
    assert Enrolment.objects.get(pk=a.pk).result == "pending"
    with pytest.raises(DomainError):
        services.open_class(
            organization=tree["bloc"],
            kind="refresher",
            name="X",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
        )


def test_screens_enrol_results_and_statistics(client, tree, klass):
    board = factories.user(role_code="org_board_officer", on=tree["bloc"])
    client.force_login(board)
    url = reverse("training:detail", args=[klass.pk])
    page = client.get(url, {"q": "tran thi"}).content.decode()
    assert "Thêm Trần Thị Hằng" in page
    member = tree["members_a"][1]
    client.post(reverse("training:action", args=[klass.pk, "enrol"]), {"member": member.pk})
    client.post(
        reverse("training:action", args=[klass.pk, "enrol-person"]),
        {"full_name": "Vũ Văn Hùng", "id_number": "001099001234", "birth_date": "01/01/1999"},
    )
    enrolments = {e.full_name: e for e in klass.enrolments.all()}
    assert set(enrolments) == {"Trần Thị Hằng", "Vũ Văn Hùng"}
    client.post(
        reverse("training:action", args=[klass.pk, "results"]),
        {
            f"result_{enrolments['Trần Thị Hằng'].pk}": "passed",
            f"score_{enrolments['Trần Thị Hằng'].pk}": "9,0",
            f"result_{enrolments['Vũ Văn Hùng'].pk}": "passed",
            "issued_on": "10/03/2026",
        },
    )
    assert klass.enrolments.filter(result="passed").count() == 2
    stats = client.get(
        reverse("training:statistics"), {"from": "01/01/2026", "to": "31/12/2026"}
    ).content.decode()
    assert "Bồi dưỡng nhận thức về Đảng" in stats
    assert services.statistics(
        TrainingClass.objects.all(), date(2026, 1, 1), date(2026, 12, 31)
    ) == [{"kind": "candidate", "classes": 1, "learners": 2, "passed": 2}]


def test_screens_refuse_malformed_values_naming_the_field(client, tree, klass):
    client.force_login(factories.user(role_code="org_board_officer", on=tree["bloc"]))
    page = klass.get_absolute_url()
    learner = services.enrol_person(
        klass, full_name="Vũ Văn Hùng", id_number="001099001234", birth_date=None
    )
    results = reverse("training:action", args=[klass.pk, "results"])
    posted = {f"result_{learner.pk}": "passed", "issued_on": "10/03/2026"}
    response = client.post(results, {**posted, f"score_{learner.pk}": "chín"}, follow=True)
    assert "Điểm Vũ Văn Hùng: Nhập một số." in response.content.decode()
    response = client.post(results, {**posted, f"result_{learner.pk}": "xuat-sac"}, follow=True)
    assert "Kết quả Vũ Văn Hùng: Hãy chọn một lựa chọn hợp lệ." in response.content.decode()
    response = client.post(results, {**posted, "issued_on": "31/02/2026"}, follow=True)
    assert "Ngày cấp giấy chứng nhận: Nhập một ngày hợp lệ." in response.content.decode()
    learner.refresh_from_db()
    assert learner.result == "pending" and not learner.certificate_number
    person = reverse("training:action", args=[klass.pk, "enrol-person"])
    data = {"full_name": "Lý Thị Ngân", "id_number": "001099004321", "birth_date": "1/13/2000"}
    response = client.post(person, data)
    assert response.status_code == 302 and response["Location"] == page
    assert "Ngày sinh: Nhập một ngày hợp lệ." in client.get(page).content.decode()
    outside = tree["village_members"][0]
    response = client.post(
        reverse("training:action", args=[klass.pk, "enrol"]), {"member": outside.pk}, follow=True
    )
    assert "Đảng viên: Không tồn tại hoặc ngoài phạm vi." in response.content.decode()
    assert list(klass.enrolments.values_list("full_name", flat=True)) == ["Vũ Văn Hùng"]


def test_outside_subtree_and_viewer(client, tree, klass):
    other = factories.user(role_code="org_board_officer", on=tree["commune"])
    client.force_login(other)
    assert client.get(reverse("training:detail", args=[klass.pk])).status_code == 404
    assert (
        client.post(
            reverse("training:action", args=[klass.pk, "enrol-person"]),
            {"full_name": "A", "id_number": "001099001234"},
        ).status_code
        == 404
    )
    viewer = factories.user(role_code="inspection_officer", on=tree["province"])
    client.force_login(viewer)
    assert client.get(reverse("training:detail", args=[klass.pk])).status_code == 200
    assert (
        client.post(
            reverse("training:action", args=[klass.pk, "enrol-person"]),
            {"full_name": "A", "id_number": "001099001234"},
        ).status_code
        == 404
    )
    assert not klass.enrolments.exists()


def test_create_class_form_and_list_query_count(admin_client, tree, django_assert_max_num_queries):
    response = admin_client.post(
        reverse("training:create"),
        {
            "organization": tree["committee"].pk,
            "kind": "new_member",
            "name": "Lớp đảng viên mới 2026",
            "starts_on": "01/04/2026",
            "ends_on": "10/04/2026",
        },
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(10):
        body = admin_client.get(reverse("training:index")).content.decode()
    assert "Lớp đảng viên mới 2026" in body


def test_statistics_per_period_and_subtree(client, tree):
    for org, name in ((tree["committee"], "Lớp A"), (tree["commune"], "Lớp B")):
        services.open_class(
            organization=org,
            kind="candidate",
            name=name,
            starts_on=date(2026, 3, 2),
            ends_on=date(2026, 3, 6),
        )
    client.force_login(factories.user("tinh", role_code="org_board_officer", on=tree["province"]))
    url = reverse("training:statistics")
    whole = client.get(url, {"from": "01/01/2026", "to": "31/12/2026"}).context["rows"]
    assert whole[0]["classes"] == 2
    part = client.get(url, {"from": "01/01/2026", "to": "31/12/2026", "org": tree["bloc"].pk})
    assert part.context["rows"][0]["classes"] == 1
    assert client.get(url, {"from": "01/01/2025", "to": "31/12/2025"}).context["rows"] == []
    local = factories.user("coso", role_code="org_board_officer", on=tree["committee"])
    client.force_login(local)
    assert client.get(url, {"org": tree["commune"].pk}).status_code == 404


def test_the_candidate_certificate_period_is_the_admissions_rule(klass, tree):
    """One reading of the certificate's validity for training and admissions, dated."""
    from dangbo.admissions import rules as admission_rules
    from dangbo.core.models import RuleParameter

    RuleParameter.objects.create(
        key="admission.certificate_valid_months", value=36, valid_from=date(2026, 1, 1)
    )
    enrolment = services.enrol_person(
        klass, full_name="Vũ Văn Hùng", id_number="001099001234", birth_date=date(1999, 1, 1)
    )
    services.record_results(klass, {enrolment.pk: ("passed", None)}, issued_on=date(2026, 3, 10))
    enrolment.refresh_from_db()
    params = admission_rules.AdmissionParams(certificate_valid_months=36)
    assert enrolment.certificate_valid_until == date(2029, 3, 9)
    assert admission_rules.certificate_expires(date(2026, 3, 10), params) == date(2029, 3, 9)
