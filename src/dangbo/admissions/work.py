"""«Việc cần làm» of admissions (core.hooks.register_work): open files whose next step the user
may record — the cell's steps up to its vote under ``admissions.cell_steps``, the committee's
under ``admissions.change`` (recognition once the probation is over) — each a link to the
next step's form."""

from django.db.models import F, Q
from django.urls import reverse

from dangbo.admissions import rules
from dangbo.admissions.models import AdmissionFile
from dangbo.admissions.rules import Stage
from dangbo.core import hooks

# Files at these stages wait on a cell step (the next one is in CELL_STAGES).
CELL_WAITING = (Stage.IDENTIFIED, Stage.COURSE, Stage.APPLICATION, Stage.INTRODUCED, Stage.VERIFIED)
COMMITTEE_WAITING = (Stage.CELL_VOTED, Stage.COMMITTEE_VOTED, Stage.RECEIVED, Stage.DECIDED)


def files_waiting(user, today) -> list[hooks.WorkItem]:
    """At most two queries: the first files by deadline, and the count when more."""
    files = AdmissionFile.objects.restrict(user, rules.CELL_STEPS).filter(
        stage__in=CELL_WAITING
    ) | AdmissionFile.objects.restrict(user, "admissions.change").filter(
        Q(stage__in=COMMITTEE_WAITING) | Q(stage=Stage.CEREMONY, probation_ends_on__lte=today)
    )
    rows = hooks.first_rows(
        files.select_related("organization__org_type").order_by(
            F("next_deadline").asc(nulls_last=True), "id"
        )
    )
    items = []
    for file in rows[: hooks.WORK_SHOWN]:
        stage = next(
            s
            for s in rules.next_stages(file.stage, file.organization.org_type.is_grassroots)
            if s != Stage.CLOSED
        )
        due = file.next_deadline
        items.append(
            hooks.WorkItem(
                label=f"{Stage.LABELS[stage]}: {file.full_name} — {file.organization.name}",
                url=reverse("admissions:step", args=[file.pk, stage]),
                due=due,
                tone="danger" if due and due < today else "info",
            )
        )
    return hooks.with_more(
        items,
        rows,
        files,
        label="Tất cả hồ sơ kết nạp đang chờ bước tiếp theo",
        url=reverse("admissions:index"),
    )


hooks.register_work(
    hooks.WorkSource(
        key="admissions.waiting",
        title="Hồ sơ kết nạp chờ bước tiếp theo",
        items=files_waiting,
        permission=(rules.CELL_STEPS, "admissions.change"),
        order=60,
    )
)
