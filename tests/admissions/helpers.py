"""Walk an admission file through its steps with consistent dates (all in the past)."""

from datetime import date

from dangbo.admissions import services
from dangbo.admissions.rules import Stage
from dangbo.training import services as training
from dangbo.training.models import Enrolment

CANDIDATE = dict(
    full_name="Võ Minh Khang", gender="M", birth_date=date(2000, 1, 1), id_number="079200001234"
)

STEPS = [
    (Stage.COURSE, date(2024, 10, 1), {}),  # the certificate comes from the training register
    (Stage.APPLICATION, date(2024, 11, 1), {"history_number": "LL-77"}),
    (Stage.INTRODUCED, date(2024, 11, 15), None),  # introducers filled in by walk()
    (Stage.VERIFIED, date(2025, 1, 10), {"result": "Lý lịch rõ ràng"}),
    (Stage.CELL_VOTED, date(2025, 2, 10), {"votes_for": 2, "eligible": 2}),
    (Stage.COMMITTEE_VOTED, date(2025, 2, 20), {"votes_for": 5, "eligible": 7}),
    (Stage.RECEIVED, date(2025, 3, 3), {"authority": "Đảng ủy Khối"}),
    (
        Stage.DECIDED,
        date(2025, 3, 20),
        {"votes_for": 8, "eligible": 15, "decision_number": "123-QĐ/ĐUK"},
    ),
    (Stage.CEREMONY, date(2025, 4, 10), {}),
    (Stage.RECOGNISED, date(2026, 4, 15), {"decision_number": "45-QĐ/ĐUK"}),
]


def open_file(tree, **overrides):
    data = dict(CANDIDATE, identified_on=date(2024, 9, 1))
    data.update(overrides)
    return services.open_file(organization=tree["cell_a"], **data)


def certify(tree, file, issued_on=date(2024, 9, 30), id_number=None):
    """A passed candidate course for the file's person in the training register."""
    klass = training.open_class(
        organization=tree["bloc"],
        kind="candidate",
        name=f"Lớp bồi dưỡng nhận thức về Đảng {issued_on:%m/%Y}",
        starts_on=issued_on.replace(day=1),
        ends_on=issued_on.replace(day=1),
    )
    enrolment = training.enrol_person(
        klass,
        full_name=file.full_name,
        id_number=id_number or file.id_number,
        birth_date=file.birth_date,
    )
    training.record_results(klass, {enrolment.pk: ("passed", None)}, issued_on=issued_on)
    return Enrolment.objects.get(pk=enrolment.pk)


def walk(file, tree, until, user=None):
    introducers = [(m, date(2020, 1, 1)) for m in tree["members_a"][:2]]
    if (
        file.stage == Stage.IDENTIFIED
        and not Enrolment.objects.filter(id_number=file.id_number, result="passed").exists()
    ):
        certify(tree, file)
    done = Stage.ORDER.index(file.stage) if file.stage in Stage.ORDER[:-3] else 0
    for stage, on, data in STEPS:
        if Stage.ORDER.index(stage) <= done:
            continue  # already recorded: walk on from where the file stands
        data = {"introducers": introducers} if data is None else data
        file = services.record_step(file, stage, on=on, user=user, **data)
        if stage == until:
            break
    return file


def walk_on(file, until, user=None):
    """Continue a file from its current stage to `until` (the steps after the current one)."""
    stages = [stage for stage, _on, _data in STEPS]
    for stage, on, data in STEPS[stages.index(file.stage) + 1 :]:
        file = services.record_step(file, stage, on=on, user=user, **(data or {}))
        if stage == until:
            break
    return file
