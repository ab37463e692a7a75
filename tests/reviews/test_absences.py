"""Periods of excuse / suspension: recorded and ended through screens and services, audited,
and picked up by open review years not yet decided."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dangbo.core.errors import DomainError
from dangbo.reviews import rules, services
from dangbo.reviews.models import Absence, MemberReview
from tests import factories
from tests.reviews.conftest import YEAR


def test_record_and_end_update_the_open_year(year, tree):
    member = tree["members_a"][0]
    review = MemberReview.objects.get(review_year=year, member=member)
    assert review.exemption == ""
    absence = services.record_absence(
        member=member,
        kind=rules.SUSPENDED,
        valid_from=date(YEAR, 6, 1),
        decision_number="5-QĐ/ĐU",
        note="Đình chỉ để xem xét kỷ luật",
    )
    review.refresh_from_db()
    assert review.exemption == rules.SUSPENDED
    with pytest.raises(DomainError, match="Trùng với thời gian đã ghi"):
        services.record_absence(
            member=member, kind=rules.SUSPENDED, valid_from=date(YEAR, 7, 1), note="x"
        )
    with pytest.raises(DomainError, match="sau ngày bắt đầu"):
        services.end_absence(absence, valid_to=date(YEAR, 5, 1))
    services.end_absence(absence, valid_to=date(YEAR, 9, 1), note="Hết thời hạn")
    absence.refresh_from_db()
    assert absence.valid_to == date(YEAR, 9, 1) and "Hết thời hạn" in absence.note
    review.refresh_from_db()
    assert review.exemption == ""  # the reference date (1/12) is after the end
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.end_absence(absence, valid_to=date(YEAR, 10, 1))
    assert LogEntry.objects.get_for_object(absence).count() == 2  # created, ended


def test_reason_and_reach_are_required(tree):
    member = tree["members_a"][0]
    with pytest.raises(DomainError, match="lý do"):
        services.record_absence(member=member, kind=rules.EXCUSED, valid_from=date(2025, 1, 1))
    outsider = factories.user(role_code="grassroots_committee", on=tree["commune"])
    with pytest.raises(PermissionDenied):
        services.record_absence(
            member=member, kind=rules.EXCUSED, valid_from=date(2025, 1, 1), note="Ốm", user=outsider
        )
    assert not Absence.objects.exists()


def test_screens_record_and_end(client, tree):
    member = tree["members_a"][0]
    client.force_login(factories.user(role_code="grassroots_committee", on=tree["committee"]))
    body = client.get(reverse("reviews:absences"), {"q": member.full_name}).content.decode()
    create = reverse("reviews:absence_create", args=[member.pk])
    assert create in body
    response = client.post(
        create,
        {"kind": rules.EXCUSED, "valid_from": "01/03/2025", "valid_to": "", "note": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["note"]
    response = client.post(
        create,
        {"kind": rules.EXCUSED, "valid_from": "01/03/2025", "note": "Ốm dài ngày"},
    )
    assert response.status_code == 302
    absence = Absence.objects.get(member=member)
    body = client.get(reverse("reviews:absences")).content.decode()
    assert "Ốm dài ngày" in body and reverse("reviews:absence_end", args=[absence.pk]) in body
    response = client.post(
        reverse("reviews:absence_end", args=[absence.pk]), {"valid_to": "01/06/2025"}
    )
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.valid_to == date(2025, 6, 1)
    other = tree["village_members"][0]
    assert client.get(reverse("reviews:absence_create", args=[other.pk])).status_code == 404
