"""Demo admission files at every stage (some overdue) and transfers, through the services.

Deterministic: the same cells and dates for the same tree. Files are spread over the first
cells that have at least two official members (they introduce the candidates).
"""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from dangbo.admissions import services as admissions
from dangbo.admissions.rules import Stage
from dangbo.demo import names
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from dangbo.transfers import services as transfers

# (stage reached, days before today the file was opened): later stages opened longer ago.
PLAN = [
    (Stage.IDENTIFIED, 30),
    (Stage.COURSE, 90),
    (Stage.APPLICATION, 120),
    (Stage.INTRODUCED, 150),
    (Stage.VERIFIED, 200),
    (Stage.CELL_VOTED, 230),
    (Stage.COMMITTEE_VOTED, 250),
    (Stage.RECEIVED, 130),  # decision overdue
    (Stage.RECEIVED, 40),  # decision due soon
    (Stage.DECIDED, 300),  # ceremony overdue
    (Stage.CEREMONY, 500),  # due for official recognition
    (Stage.RECOGNISED, 700),
    (Stage.CLOSED, 160),
]
ORDER = [
    Stage.COURSE,
    Stage.APPLICATION,
    Stage.INTRODUCED,
    Stage.VERIFIED,
    Stage.CELL_VOTED,
    Stage.COMMITTEE_VOTED,
    Stage.RECEIVED,
    Stage.DECIDED,
    Stage.CEREMONY,
    Stage.RECOGNISED,
]


def _dates(opened: date, target: str, today: date) -> dict[str, date]:
    """Step dates that respect every deadline, ending at `target` (in the past)."""
    gaps = {
        Stage.COURSE: 10,
        Stage.APPLICATION: 5,
        Stage.INTRODUCED: 5,
        Stage.VERIFIED: 10,
        Stage.CELL_VOTED: 5,
        Stage.COMMITTEE_VOTED: 5,
        Stage.RECEIVED: 5,
        Stage.DECIDED: 20,
        Stage.CEREMONY: 20,
        Stage.RECOGNISED: 370,
    }
    result, day = {}, opened
    for stage in ORDER:
        day = day + timedelta(days=gaps[stage])
        result[stage] = min(day, today)
        if stage == target:
            break
    return result


@transaction.atomic
def seed_lifecycle(count: int = 13) -> tuple[int, int]:
    """Admission files at every stage and a few transfers; returns (files, transfers)."""
    rng = random.Random(7)
    today = timezone.localdate()
    cells = []
    for cell in Organization.objects.filter(org_type__holds_members=True, is_active=True)[:200]:
        official = list(
            Member.objects.filter(
                organization=cell, status="official", official_on__lt=date(2019, 1, 1)
            )[:2]
        )
        if len(official) == 2:
            cells.append((cell, official))
        if len(cells) >= 6:
            break
    if not cells:
        return 0, 0
    files = 0
    for n, (target, days_ago) in enumerate(PLAN[:count]):
        cell, introducers = cells[n % len(cells)]
        family = rng.choice(names.SURNAMES)[0]
        middle, given = rng.choice(names.MIDDLE_MALE), rng.choice(names.GIVEN_MALE)
        opened = today - timedelta(days=days_ago + (420 if target == Stage.RECOGNISED else 0))
        file = admissions.open_file(
            organization=cell,
            identified_on=opened,
            full_name=f"{family} {middle} {given}",
            gender="M",
            birth_date=date(1995 + n % 8, 1 + n % 12, 10),
        )
        files += 1
        if target == Stage.IDENTIFIED:
            continue
        if target == Stage.CLOSED:
            admissions.record_step(
                file, Stage.CLOSED, on=opened + timedelta(days=20), note="Chuyển công tác"
            )
            continue
        for stage, on in _dates(opened, target, today).items():
            data = {
                Stage.COURSE: {
                    "certificate_number": f"GCN-{n:03d}",
                    # Not in the training register: certificates issued on paper before.
                    "exception": "Giấy chứng nhận cấp trước khi dùng hệ thống (hồ sơ giấy)",
                },
                Stage.APPLICATION: {"history_number": f"LL-{n:03d}"},
                Stage.INTRODUCED: {"introducers": [(m, date(2019, 1, 1)) for m in introducers]},
                Stage.VERIFIED: {"result": "Lý lịch rõ ràng"},
                Stage.CELL_VOTED: {"votes_for": 2, "eligible": 2},
                Stage.COMMITTEE_VOTED: {"votes_for": 5, "eligible": 7},
                Stage.RECEIVED: {"authority": "Cấp ủy cấp trên"},
                Stage.DECIDED: {"votes_for": 6, "eligible": 9, "decision_number": f"{n}-QĐ"},
                Stage.RECOGNISED: {"decision_number": f"{n}-QĐCT"},
            }.get(stage, {})
            if stage == Stage.COMMITTEE_VOTED and cell.org_type.is_grassroots:
                continue
            file = admissions.record_step(file, stage, on=on, **data)
    moved = 0
    if len(cells) >= 3:
        (_home, people), (host, _), (other, _) = cells[0], cells[1], cells[2]
        # Long overdue (proposed for deletion) and one under way.
        transfers.issue(
            people[0], to_org=host, on=today - timedelta(days=120), paper_number="01-GGT"
        )
        transfers.issue(
            people[1], to_org=other, on=today - timedelta(days=5), paper_number="02-GGT"
        )
        moved = 2
    return files, moved
