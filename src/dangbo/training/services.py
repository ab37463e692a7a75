"""Training use cases: open a class, enrol learners, record results and issue certificates."""

from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.core.text import clean_spaces, normalize
from dangbo.members.models import Member
from dangbo.members.rules import validate_id_number
from dangbo.organizations.models import Organization
from dangbo.training import rules
from dangbo.training.models import Enrolment, TrainingClass


@transaction.atomic
def open_class(
    *,
    organization: Organization,
    kind: str,
    name: str,
    starts_on: date,
    ends_on: date,
    location: str = "",
) -> TrainingClass:
    problem = rules.course_length_problem(starts_on, ends_on)
    if problem:
        raise DomainError(problem, "ends_on")
    if not clean_spaces(name):
        raise DomainError("Cần nhập tên lớp.", "name")
    return TrainingClass.objects.create(
        organization=organization,
        kind=kind,
        name=clean_spaces(name),
        starts_on=starts_on,
        ends_on=ends_on,
        location=clean_spaces(location),
    )


@transaction.atomic
def enrol_member(training_class: TrainingClass, member: Member) -> Enrolment:
    if training_class.enrolments.filter(member=member).exists():
        raise DomainError(f"{member.full_name} đã có trong lớp.", "member")
    return Enrolment.objects.create(
        training_class=training_class,
        member=member,
        full_name=member.full_name,
        birth_date=member.birth_date,
        id_number=member.id_number or "",
    )


@transaction.atomic
def enrol_person(
    training_class: TrainingClass, *, full_name: str, id_number: str, birth_date: date | None
) -> Enrolment:
    """Enrol a candidate who is not (yet) a member, identified by the personal ID number."""
    full_name = clean_spaces(full_name)
    if not full_name:
        raise DomainError("Cần nhập họ và tên.", "full_name")
    problem = validate_id_number(id_number) or (
        None if id_number else "Cần nhập số định danh cá nhân."
    )
    if problem:
        raise DomainError(problem, "id_number")
    if training_class.enrolments.filter(id_number=id_number).exists():
        raise DomainError(f"Số định danh {id_number} đã có trong lớp.", "id_number")
    return Enrolment.objects.create(
        training_class=training_class,
        full_name=full_name,
        id_number=id_number,
        birth_date=birth_date,
    )


def validity_months(on: date, org_path: str = "") -> dict:
    """Months each kind of certificate stays valid on `on`: the candidate course's period is the
    dated rule the admissions check reads (admission.certificate_valid_months)."""
    months = RuleParameter.value_on(
        "admission.certificate_valid_months",
        on,
        org_path,
        rules.DEFAULT_VALIDITY_MONTHS["candidate"],
    )
    return {**rules.DEFAULT_VALIDITY_MONTHS, "candidate": months}


@transaction.atomic
def record_results(
    training_class: TrainingClass,
    results: dict[int, tuple[str, object]],
    *,
    issued_on: date,
    user=None,
) -> int:
    """Results for the whole class at once: {enrolment id: (result, score)}; passed learners
    get a numbered certificate valid for the course's period. All rows or none."""
    if issued_on > timezone.localdate():
        raise DomainError("Ngày cấp không được sau ngày hôm nay.", "issued_on")
    enrolments = {e.pk: e for e in training_class.enrolments.select_for_update()}
    sequence = training_class.enrolments.exclude(certificate_number="").count()
    validity = validity_months(issued_on, training_class.organization.path)
    for row, (enrolment_id, (result, score)) in enumerate(sorted(results.items()), start=1):
        enrolment = enrolments.get(enrolment_id)
        if enrolment is None:
            raise DomainError("Học viên không thuộc lớp này.", "results", row)
        problem = rules.result_problem(
            training_class.starts_on, training_class.ends_on, issued_on, score
        )
        if problem:
            raise DomainError(f"{enrolment.full_name}: {problem}", "results", row)
        enrolment.result = result
        enrolment.score = score
        enrolment.recorded_by = user
        if result == Enrolment.Result.PASSED and not enrolment.certificate_number:
            sequence += 1
            enrolment.certificate_number = f"{training_class.pk}/{issued_on.year}/{sequence:04d}"
            enrolment.certificate_issued_on = issued_on
            enrolment.certificate_valid_until = rules.valid_until(
                training_class.kind, issued_on, validity
            )
        enrolment.save()
    return len(results)


def valid_certificate(
    id_number: str,
    kind: str,
    on: date,
    *,
    full_name: str = "",
    birth_date: date | None = None,
) -> Enrolment | None:
    """The latest passed certificate of a kind for a person, if still valid on `on`
    (what the admission file checks for the candidate course). The person is matched by
    personal ID number, or (no number) by unaccented name and birth date."""
    passed = (
        Enrolment.objects.filter(
            training_class__kind=kind,
            result=Enrolment.Result.PASSED,
            certificate_issued_on__lte=on,
        )
        .select_related("training_class")
        .order_by("-certificate_issued_on", "-id")
    )
    if id_number:
        found = passed.filter(id_number=id_number).first()
    elif full_name and birth_date:
        key = normalize(full_name)
        found = next(
            (e for e in passed.filter(birth_date=birth_date) if normalize(e.full_name) == key),
            None,
        )
    else:
        return None
    if found and rules.is_valid_on(found.certificate_valid_until, on):
        return found
    return None


def statistics(classes_qs, start: date, end: date) -> list[dict]:
    """Classes, learners and passes by kind for classes starting in [start, end]."""
    return list(
        classes_qs.filter(starts_on__gte=start, starts_on__lte=end)
        .values("kind")
        .annotate(
            classes=Count("id", distinct=True),
            learners=Count("enrolments"),
            passed=Count("enrolments", filter=Q(enrolments__result="passed")),
        )
        .order_by("kind")
    )
