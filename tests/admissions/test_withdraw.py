"""A step recorded by mistake is withdrawn, never deleted: it stays in the timeline with
who/when/why, and the file gets back exactly the values it had before it (#23)."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dangbo.admissions import services
from dangbo.admissions.models import AdmissionFile, AdmissionStep
from dangbo.admissions.rules import Stage
from dangbo.core.errors import DomainError
from tests import factories
from tests.admissions.helpers import open_file, walk


def test_withdrawing_the_last_step_restores_the_file_and_keeps_the_step(tree, admin_user):
    file = walk(open_file(tree), tree, Stage.CELL_VOTED)
    received = services.record_step(
        file, Stage.COMMITTEE_VOTED, on=date(2025, 2, 20), votes_for=5, eligible=7
    )
    received = services.record_step(received, Stage.RECEIVED, on=date(2025, 3, 3), authority="X")
    assert received.received_on == date(2025, 3, 3)
    deadline_before = AdmissionFile.objects.get(pk=file.pk)
    file = services.withdraw_last_step(received, reason="Nhầm ngày nhận hồ sơ", user=admin_user)
    assert file.stage == Stage.COMMITTEE_VOTED and file.received_on is None
    step = AdmissionStep.objects.get(file=file, stage=Stage.RECEIVED)
    assert step.withdrawn_at and step.withdrawn_by == admin_user
    assert step.withdrawal_reason == "Nhầm ngày nhận hồ sơ"
    assert deadline_before.next_deadline != file.next_deadline  # the deadline follows the stage
    # recorded again, on the right date: the withdrawn step no longer bounds the date
    file = services.record_step(file, Stage.RECEIVED, on=date(2025, 2, 25), authority="X")
    assert file.received_on == date(2025, 2, 25)
    assert file.steps.filter(stage=Stage.RECEIVED).count() == 2


def test_extension_withdrawn_gives_back_the_deadline(tree):
    file = walk(open_file(tree), tree, Stage.RECEIVED)
    extended = services.extend_decision(file, reason="Chờ thẩm tra bổ sung")
    file = services.withdraw_last_step(extended, reason="Gia hạn nhầm hồ sơ")
    assert not file.extended and file.stage == Stage.RECEIVED


@pytest.mark.parametrize("until", [Stage.DECIDED, Stage.CEREMONY])
def test_steps_that_wrote_to_the_register_are_corrected_on_the_member(tree, until):
    file = walk(open_file(tree), tree, until)
    with pytest.raises(DomainError, match="hồ sơ đảng viên"):
        services.withdraw_last_step(file, reason="Nhầm")
    assert AdmissionFile.objects.get(pk=file.pk).stage == until


def test_the_opening_step_and_a_blank_reason_are_refused(tree):
    file = open_file(tree)
    with pytest.raises(DomainError, match="bước mở hồ sơ"):
        services.withdraw_last_step(file, reason="Nhầm người")
    file = walk(file, tree, Stage.COURSE)
    with pytest.raises(DomainError, match="lý do"):
        services.withdraw_last_step(file, reason="   ")
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.COURSE


def test_a_closed_file_reopened_only_when_no_other_file_is_open(tree):
    file = open_file(tree)
    file = walk(file, tree, Stage.COURSE)
    closed = services.record_step(file, Stage.CLOSED, on=date(2024, 10, 5), note="Chuyển đi")
    other = open_file(tree, identified_on=date(2024, 10, 6))
    with pytest.raises(DomainError, match="hồ sơ kết nạp khác"):
        services.withdraw_last_step(closed, reason="Đóng nhầm")
    services.record_step(other, Stage.CLOSED, on=date(2024, 10, 7), note="Trùng hồ sơ")
    assert services.withdraw_last_step(closed, reason="Đóng nhầm").stage == Stage.COURSE


def test_cell_secretary_withdraws_the_cells_step_on_screen(client, tree):
    file = walk(open_file(tree), tree, Stage.VERIFIED)
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    client.force_login(secretary)
    page = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    url = reverse("admissions:withdraw", args=[file.pk])
    assert url in page
    response = client.post(url, {"reason": "Ghi nhầm kết luận thẩm tra"})
    assert response.status_code == 302
    page = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    assert "Đã hủy (ghi nhầm)" in page and "Ghi nhầm kết luận thẩm tra" in page
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.INTRODUCED
    # the committee's steps are not the secretary's to take back
    file = walk(AdmissionFile.objects.get(pk=file.pk), tree, Stage.COMMITTEE_VOTED)
    page = client.get(reverse("admissions:detail", args=[file.pk])).content.decode()
    assert url not in page
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_api_withdraw_and_outside_subtree(tree, admin_user):
    file = walk(open_file(tree), tree, Stage.APPLICATION)
    outsider = factories.user(role_code="grassroots_committee", on=tree["commune"])
    url = f"/api/v1/admission-files/{file.pk}/withdraw/"
    assert _api(outsider).post(url, {"reason": "x"}, format="json").status_code == 404
    api = _api(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    response = api.post(url, {"reason": "Nhầm số lý lịch"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.COURSE
    withdrawn = [s for s in response.json()["steps"] if s["withdrawn_at"]]
    assert [s["withdrawal_reason"] for s in withdrawn] == ["Nhầm số lý lịch"]


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client
