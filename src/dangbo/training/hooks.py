"""What training answers to other apps (see dangbo.core.hooks).

- ``training.valid_certificate``: the candidate-course certificate of a person still valid on a
  date (asked by admissions when a file records the course and at each vote).
"""

from datetime import date

from django.urls import reverse

from dangbo.core import hooks
from dangbo.training import services
from dangbo.training.models import CourseKind, Enrolment


@hooks.provide("training.valid_certificate")
def valid_certificate(
    *, id_number: str = "", full_name: str = "", birth_date: date | None = None, on: date
) -> dict | None:
    """The latest passed candidate-course certificate valid on `on`, as plain data, or None.

    The person is found by personal ID number, else by name and birth date (candidates enrolled
    before their number was known)."""
    found = services.valid_certificate(
        id_number, CourseKind.CANDIDATE, on, full_name=full_name, birth_date=birth_date
    )
    if found is None:
        return None
    return {
        "number": found.certificate_number,
        "issued_on": found.certificate_issued_on,
        "valid_until": found.certificate_valid_until,
        "class_name": found.training_class.name,
    }


def training_record(member, today) -> list[tuple]:
    """The member's classes and results, latest first (one query)."""
    rows = (
        Enrolment.objects.filter(member=member)
        .select_related("training_class")
        .order_by("-training_class__ends_on")[:10]
    )
    return [
        (
            row.training_class.name,
            row.get_result_display()
            + (f", giấy chứng nhận {row.certificate_number}" if row.certificate_number else ""),
            reverse("training:detail", args=[row.training_class_id]),
        )
        for row in rows
    ]


hooks.register_member_facts(
    hooks.MemberFacts(
        key="training.record",
        title="Đào tạo, bồi dưỡng",
        facts=training_record,
        permission="training.view",
        order=30,
    )
)
