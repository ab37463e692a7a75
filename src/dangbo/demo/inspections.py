"""Demo inspection programmes with realistic outcomes (seed 003: over a term, about 200
inspections of grassroots orgs and 519 of cells in a province; seed 000: 16 grassroots
committees supervised). Deterministic for a seed."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from dangbo.inspections import rules, services
from dangbo.inspections.models import (
    Body,
    Document,
    Inspection,
    InspectionStatus,
    Programme,
    Remedy,
)
from dangbo.members.models import Member
from dangbo.organizations.models import Organization

GRASSROOTS_SHARE = 0.05  # of grassroots orgs inspected each year by the superior's committee
CELL_SHARE = 0.04  # of cells inspected each year
CONTENTS = [
    "Kiểm tra việc chấp hành Điều lệ Đảng, chế độ sinh hoạt chi bộ",
    "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát của cấp ủy",
    "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí",
    "Giám sát việc thực hiện nghị quyết đại hội và quy chế làm việc",
    "Giám sát việc rèn luyện phẩm chất, đạo đức, lối sống của đảng viên",
    "Kiểm tra việc thực hiện quy định về những điều đảng viên không được làm",
]
REMEDIES = [
    "Tổ chức sinh hoạt chuyên đề theo đúng quy định",
    "Bổ sung, hoàn thiện biên bản sinh hoạt chi bộ",
    "Thu đủ đảng phí còn thiếu và nộp lên cấp trên",
    "Kiểm điểm trách nhiệm tập thể, cá nhân có liên quan",
    "Sửa đổi quy chế làm việc của cấp ủy",
]


def _start_in_quarter(rng: random.Random, year: int, quarter: int) -> date:
    start, end = rules.quarter_bounds(year, quarter)
    return start + timedelta(days=rng.randrange((end - start).days - 20))


@transaction.atomic
def seed_inspections(seed: int, first_year: int = 2021, today: date | None = None) -> int:
    """Programmes from `first_year` to this year for every committee directly above
    grassroots (its inspection committee) and the province (its committee's supervision).
    Returns the number of inspections written."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    orgs = list(Organization.objects.filter(is_active=True).select_related("org_type"))
    written = []
    for owner in orgs:
        if owner.org_type.holds_members or (owner.depth > 1 and owner.org_type.is_grassroots):
            continue
        below = [o for o in orgs if o.path.startswith(owner.path) and o.pk != owner.pk]
        grassroots = [o for o in below if o.org_type.is_grassroots]
        if owner.depth == 1:
            targets = [(o, 0.3 / 5) for o in grassroots if not o.org_type.holds_members]
            body, kind = Body.COMMITTEE, "supervision"
        else:
            cells = [o for o in below if o.org_type.holds_members and not o.org_type.is_grassroots]
            targets = [(o, GRASSROOTS_SHARE) for o in grassroots] + [(o, CELL_SHARE) for o in cells]
            body, kind = Body.INSPECTION_COMMITTEE, "inspection"
        if not targets:
            continue
        for year in range(first_year, today.year + 1):
            programme = Programme.objects.create(
                organization=owner,
                body=body,
                year=year,
                title=f"Chương trình {'giám sát' if kind == 'supervision' else 'kiểm tra'} "
                f"năm {year}",
                approved_on=date(year, 1, 15),
                decision_number=f"{rng.randint(1, 30):02d}-CTr",
            )
            chosen = [target for target, share in targets if rng.random() < share]
            # Every programme has at least one item, even on a small tree.
            for target in chosen or [rng.choice(targets)[0]]:
                written.append(_inspection(rng, programme, target, kind, today))
    Inspection.objects.bulk_create(written, batch_size=2000)
    _outcomes(rng, written, today)
    return len(written)


def _inspection(rng, programme, target, kind, today) -> Inspection:
    quarter = rng.randint(1, 4)
    start = _start_in_quarter(rng, programme.year, quarter)
    end = start + timedelta(days=rng.randint(7, 20))
    inspection = Inspection(
        programme=programme,
        kind=kind,
        mode=rng.choice(["regular", "regular", "thematic"]),
        organization=target,
        target_kind=rules.target_kind(
            is_member=False,
            holds_members=target.org_type.holds_members,
            is_grassroots=target.org_type.is_grassroots,
        ),
        content=rng.choice(CONTENTS),
        planned_quarter=quarter,
        planned_start=start,
        planned_end=end,
        team="Đoàn kiểm tra của " + programme.organization.name,
        responsible="Ủy ban Kiểm tra " + programme.organization.name,
    )
    if start > today:
        return inspection
    inspection.decision_number = f"{rng.randint(1, 300)}-QĐ/UBKT"
    inspection.decision_date = start - timedelta(days=5)
    inspection.started_on = start
    if end > today or rng.random() < 0.04:
        inspection.status = (
            InspectionStatus.CANCELLED if end <= today else InspectionStatus.IN_PROGRESS
        )
        if inspection.status == InspectionStatus.CANCELLED:
            inspection.conclusion = "Không thực hiện: lồng ghép với cuộc kiểm tra khác"
        return inspection
    inspection.status = InspectionStatus.CONCLUDED
    inspection.concluded_on = end
    inspection.violations_found = rng.random() < 0.25
    inspection.conclusion = (
        "Còn một số hạn chế, vi phạm cần khắc phục."
        if inspection.violations_found
        else "Thực hiện cơ bản đúng quy định."
    )
    inspection.recommendations = "Phát huy ưu điểm, khắc phục hạn chế đã chỉ ra."
    return inspection


def _outcomes(rng, inspections, today) -> None:
    documents, remedies, cases = [], [], []
    for inspection in inspections:
        if inspection.decision_number:
            documents.append(
                Document(
                    inspection=inspection,
                    doc_type=Document.Type.DECISION,
                    number=inspection.decision_number,
                    dated=inspection.decision_date,
                    title=f"Quyết định kiểm tra {inspection.organization.name}",
                )
            )
        if not inspection.violations_found:
            continue
        for _ in range(rng.randint(1, 2)):
            due = inspection.concluded_on + timedelta(days=rng.choice([60, 90, 120]))
            done = due <= today and rng.random() < 0.85
            remedies.append(
                Remedy(
                    inspection=inspection,
                    description=rng.choice(REMEDIES),
                    owner="Bí thư " + inspection.organization.name,
                    due_on=due,
                    status=Remedy.Status.DONE if done else Remedy.Status.OPEN,
                    done_on=due - timedelta(days=rng.randint(0, 20)) if done else None,
                    done_note="Báo cáo kết quả khắc phục" if done else "",
                )
            )
        if rng.random() < 0.5:
            cases.append(inspection)
    Document.objects.bulk_create(documents, batch_size=2000)
    Remedy.objects.bulk_create(remedies, batch_size=2000)
    for inspection in cases:
        _case(rng, inspection, today)


def _case(rng, inspection, today) -> None:
    opened = inspection.concluded_on + timedelta(days=10)
    decided = opened + timedelta(days=30)
    # Only a member already official when the case opens can be disciplined for it.
    member = (
        Member.objects.filter(
            org_path__startswith=inspection.organization.path,
            status="official",
            official_on__lt=opened,
        )
        .order_by("id")
        .first()
    )
    if member is None or decided > today:
        return
    case = services.open_case(
        member=member,
        inspection=inspection,
        opened_on=opened,
        decision_number=f"{rng.randint(1, 300)}-QĐ/UBKT",
        authority="Ủy ban Kiểm tra " + inspection.programme.organization.name,
        signs="Dấu hiệu vi phạm phát hiện qua kiểm tra",
    )
    if rng.random() < 0.3:
        services.close_case(
            case, closed_on=decided, violation=True, conclusion="Vi phạm chưa đến mức kỷ luật"
        )
        return
    services.discipline_member(
        case,
        form=rng.choice(["reprimand", "reprimand", "warning"]),
        decided_on=decided,
        decision_number=f"{rng.randint(1, 300)}-QĐ/UBKT",
        authority_org=inspection.programme.organization,
        authority="Ủy ban Kiểm tra " + inspection.programme.organization.name,
        reason="Vi phạm quy định về những điều đảng viên không được làm",
    )
