"""Demo data for the modules beyond the registry (small size only): dues, training.

Each function goes through the modules' own services, so the demo obeys the same rules.
"""

import random
from datetime import date

from django.utils import timezone

from dangbo.demo.committees import seed_committees
from dangbo.dues import rules as dues_rules
from dangbo.dues import services as dues_services
from dangbo.dues.models import IncomeBasis, LedgerEntry
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.training import services as training_services


def seed_dues(root: Organization, seed: int, months: int = 3) -> None:
    """An income basis for every member, the last `months` ledgers, most of them paid."""
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    bases = []
    for member in Member.objects.active().filter(org_path__startswith=root.path):
        if member.occupation == "retired":
            bases.append(
                IncomeBasis(
                    member=member,
                    valid_from=start,
                    income_type="pension",
                    amount=rng.randrange(4_000_000, 9_000_000, 1000),
                )
            )
        elif member.occupation == "student":
            bases.append(IncomeBasis(member=member, valid_from=start, income_type="student"))
        else:
            bases.append(
                IncomeBasis(
                    member=member,
                    valid_from=start,
                    income_type="salary",
                    amount=rng.randrange(5_000_000, 15_000_000, 1000),
                )
            )
    IncomeBasis.objects.bulk_create(bases, batch_size=2000)
    this_month = dues_rules.first_of_month(timezone.localdate())
    for back in range(months, 0, -1):
        month = dues_rules.add_months(this_month, -back)
        if month < start:
            continue
        dues_services.close_month(root, month)
    for entry in LedgerEntry.objects.filter(organization__path__startswith=root.path):
        if rng.random() < 0.93:
            entry.paid, entry.paid_on = (
                entry.due,
                min(dues_rules.add_months(entry.month, 1), timezone.localdate()),
            )
            entry.receipt_number = f"{entry.month:%Y%m}-{entry.pk}"
            entry.save()


def seed_training(root: Organization) -> None:
    """A candidate course and a new-member course at the first committee under the root."""
    host = Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).first()
    course = training_services.open_class(
        organization=host,
        kind="candidate",
        name="Lớp bồi dưỡng nhận thức về Đảng khóa I/2026",
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 6),
        location="Trường Chính trị tỉnh",
    )
    for n, name in enumerate(["Vũ Thị Ngọc Ánh", "Lò Văn Thắng", "Đinh Quang Huy"], start=1):
        training_services.enrol_person(
            course, full_name=name, id_number=f"0010990{n:05d}", birth_date=date(1998, n, 10)
        )
    training_services.record_results(
        course,
        {e.pk: ("passed", None) for e in course.enrolments.all()},
        issued_on=date(2026, 3, 10),
    )
    newcomers = training_services.open_class(
        organization=host,
        kind="new_member",
        name="Lớp lý luận chính trị cho đảng viên mới 2026",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 12),
    )
    for member in Member.objects.filter(org_path__startswith=host.path, status="probationary")[:10]:
        training_services.enrol_member(newcomers, member)


def seed_modules(root: Organization, seed: int) -> None:
    seed_dues(root, seed)
    seed_training(root)
    seed_committees(root, seed)
    seed_admission_targets(root, seed)


def seed_admission_targets(root: Organization, seed: int, today: date | None = None) -> int:
    """Year targets (this year and last) and the term (congress) target of the term in force
    for the root and its direct children, near what they admit, so the targets report shows
    both ratios. Idempotent (update_or_create through the services)."""
    from dangbo.admissions import services as admission_services
    from dangbo.members import queries as member_queries

    rng = random.Random(seed)
    today = today or timezone.localdate()
    written = 0
    orgs = Organization.objects.filter(
        path__startswith=root.path, depth__lte=root.depth + 1, is_active=True
    ).order_by("path")
    for org in orgs:
        for year in (today.year - 1, today.year):
            admitted = member_queries.admitted_in_year(org, year).count()
            target = max(1, admitted + rng.randint(-2, 2))
            admission_services.set_target(organization=org, year=year, target=target)
            written += 1
        term = admission_services.terms_of(org).filter(starts_on__lte=today).first()
        if term is not None:
            admitted = member_queries.admitted_between(org, term.starts_on, today).count()
            target = max(1, round(admitted * rng.uniform(0.8, 1.1)))
            admission_services.set_term_target(organization=org, term=term, target=target)
            written += 1
    return written
