from datetime import date

import pytest

from dangbo.admissions import services
from dangbo.admissions.models import AdmissionFile, AdmissionStep
from dangbo.admissions.rules import Stage
from dangbo.core import hooks
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter
from dangbo.members.models import Member
from tests import factories
from tests.admissions.helpers import CANDIDATE, STEPS, certify, open_file, walk


def test_candidate_goes_all_the_way_to_official(tree):
    file = walk(open_file(tree), tree, Stage.RECOGNISED)
    assert file.stage == Stage.RECOGNISED and file.next_deadline is None
    member = Member.objects.get(pk=file.member_id)
    assert member.admitted_on == date(2025, 3, 20)
    assert member.ceremony_on == date(2025, 4, 10)
    assert member.status == "official" and member.official_on == date(2026, 4, 10)
    assert member.history_number == "LL-77"
    assert member.organization == tree["cell_a"]
    assert list(file.steps.values_list("stage", flat=True)) == [
        Stage.IDENTIFIED,
        *[stage for stage, _on, _data in STEPS],
    ]
    kinds = set(member.events.values_list("kind", flat=True))
    assert {"registered", "admitted", "official"} <= kinds


def test_decision_makes_a_probationary_member_with_ceremony_deadline(tree):
    file = walk(open_file(tree), tree, Stage.DECIDED)
    assert file.member.status == "probationary"
    assert file.next_deadline_label == "Tổ chức lễ kết nạp"
    assert file.next_deadline > file.decided_on


def test_received_file_has_45_working_day_deadline_and_one_extension(tree):
    file = walk(open_file(tree), tree, Stage.RECEIVED)
    first = file.next_deadline
    file = services.extend_decision(file, reason="Chờ xác minh thêm")
    assert file.next_deadline > first and file.extended
    with pytest.raises(DomainError, match="một lần"):
        services.extend_decision(file, reason="Lần nữa")


def test_cell_vote_below_two_thirds_is_refused(tree):
    file = walk(open_file(tree), tree, Stage.VERIFIED)
    with pytest.raises(DomainError, match="2/3") as err:
        services.record_step(file, Stage.CELL_VOTED, on=date(2025, 2, 10), votes_for=5, eligible=9)
    assert err.value.field == "votes_for"
    assert AdmissionFile.objects.get(pk=file.pk).stage == Stage.VERIFIED


def test_deciding_vote_needs_more_than_half(tree):
    file = walk(open_file(tree), tree, Stage.RECEIVED)
    with pytest.raises(DomainError, match="trên 1/2"):
        services.record_step(
            file,
            Stage.DECIDED,
            on=date(2025, 3, 20),
            votes_for=3,
            eligible=6,
            decision_number="1-QĐ",
        )
    assert not Member.objects.filter(full_name=CANDIDATE["full_name"]).exists()


def test_steps_out_of_order_are_refused(tree):
    file = open_file(tree)
    with pytest.raises(DomainError, match="Không thể chuyển"):
        services.record_step(file, Stage.DECIDED, on=date(2025, 1, 1), decision_number="1")


def test_introducer_must_be_official_and_with_12_months(tree):
    file = walk(open_file(tree), tree, Stage.APPLICATION)
    official, probationary = tree["members_a"][0], tree["members_a"][2]
    with pytest.raises(DomainError, match="chưa là đảng viên chính thức"):
        services.record_step(
            file,
            Stage.INTRODUCED,
            on=date(2024, 11, 15),
            introducers=[(official, date(2020, 1, 1)), (probationary, date(2020, 1, 1))],
        )
    with pytest.raises(DomainError, match="cần ít nhất 12 tháng"):
        services.record_step(
            file,
            Stage.INTRODUCED,
            on=date(2024, 11, 15),
            introducers=[(official, date(2024, 1, 1)), (tree["members_a"][1], date(2020, 1, 1))],
        )
    # A youth-union resolution replaces one introducer.
    file = services.record_step(
        file,
        Stage.INTRODUCED,
        on=date(2024, 11, 15),
        introducers=[(official, date(2020, 1, 1))],
        youth_union_resolution="05-NQ/ĐTN",
    )
    assert file.stage == Stage.INTRODUCED


def test_age_checked_at_cell_vote_and_exception_needs_permission(tree):
    file = walk(open_file(tree, birth_date=date(1964, 1, 1)), tree, Stage.VERIFIED)
    with pytest.raises(DomainError, match="quá 60 tuổi"):
        services.record_step(file, Stage.CELL_VOTED, on=date(2025, 2, 10), votes_for=2, eligible=2)
    secretary = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    with pytest.raises(DomainError, match="Chỉ cán bộ được phân quyền"):
        services.record_step(
            file,
            Stage.CELL_VOTED,
            on=date(2025, 2, 10),
            votes_for=2,
            eligible=2,
            exception="CV 99 của Ban Bí thư",
            user=secretary,
        )
    officer = factories.user(role_code="org_board_officer", on=tree["province"])
    file = services.record_step(
        file,
        Stage.CELL_VOTED,
        on=date(2025, 2, 10),
        votes_for=2,
        eligible=2,
        exception="CV 99 của Ban Bí thư",
        user=officer,
    )
    step = AdmissionStep.objects.get(file=file, stage=Stage.CELL_VOTED)
    assert step.exception == "CV 99 của Ban Bí thư" and "quá 60" in step.evidence["waived"][0]


def test_expired_certificate_blocks_the_vote(tree):
    file = open_file(tree, identified_on=date(2019, 1, 1))
    certify(tree, file, issued_on=date(2019, 11, 1))  # valid until 31/10/2024
    file = walk(file, tree, Stage.VERIFIED)
    assert file.certificate_on == date(2019, 11, 1)
    with pytest.raises(DomainError, match="60 tháng") as err:
        services.record_step(file, Stage.CELL_VOTED, on=date(2025, 2, 10), votes_for=2, eligible=2)
    assert "Quy định" in err.value.message


def test_course_takes_the_certificate_from_the_training_register(tree):
    file = open_file(tree)
    enrolment = certify(tree, file, issued_on=date(2024, 9, 30))
    with pytest.raises(DomainError, match="không khớp sổ đào tạo"):
        services.record_step(file, Stage.COURSE, on=date(2024, 10, 1), certificate_number="X-1")
    file = services.record_step(file, Stage.COURSE, on=date(2024, 10, 1))
    assert file.certificate_on == date(2024, 9, 30)
    step = file.steps.get(stage=Stage.COURSE)
    assert step.evidence["certificate_number"] == enrolment.certificate_number
    assert step.evidence["training_class"] == enrolment.training_class.name


def test_course_without_a_certificate_in_the_register_needs_an_exception(tree):
    file = open_file(tree)
    with pytest.raises(DomainError) as err:
        services.record_step(file, Stage.COURSE, on=date(2024, 10, 1), certificate_number="G-9")
    assert "Sổ đào tạo không có giấy chứng nhận" in err.value.message
    assert "60 tháng" in err.value.message
    officer = factories.user(role_code="org_board_officer", on=tree["committee"])
    file = services.record_step(
        file,
        Stage.COURSE,
        on=date(2024, 10, 1),
        certificate_number="G-9",
        exception="Lớp do Trung tâm chính trị huyện cũ tổ chức (hồ sơ giấy)",
        user=officer,
    )
    assert file.certificate_on == date(2024, 10, 1)
    assert file.steps.get(stage=Stage.COURSE).exception.startswith("Lớp do")


def test_candidate_found_by_name_and_birth_date_when_no_id_number(tree):
    file = open_file(tree, id_number="")
    certify(tree, file, issued_on=date(2024, 9, 30), id_number="079200001234")
    file = services.record_step(file, Stage.COURSE, on=date(2024, 10, 1))
    assert file.certificate_on == date(2024, 9, 30)


def test_without_training_the_certificate_on_the_file_counts(tree, monkeypatch):
    monkeypatch.delitem(hooks._providers, "training.valid_certificate")
    file = open_file(tree)
    with pytest.raises(DomainError, match="Cần nhập số giấy chứng nhận"):
        services.record_step(file, Stage.COURSE, on=date(2024, 10, 1))
    file = services.record_step(file, Stage.COURSE, on=date(2024, 10, 1), certificate_number="G-1")
    assert file.certificate_on == date(2024, 10, 1)


def test_a_newer_certificate_replaces_an_expired_one_at_the_vote(tree):
    file = open_file(tree, identified_on=date(2019, 1, 1))
    certify(tree, file, issued_on=date(2019, 11, 1))
    file = walk(file, tree, Stage.VERIFIED)
    certify(tree, file, issued_on=date(2025, 1, 20))
    file = services.record_step(
        file, Stage.CELL_VOTED, on=date(2025, 2, 10), votes_for=2, eligible=2
    )
    assert file.certificate_on == date(2025, 1, 20)


def test_late_ceremony_requires_an_exception(tree):
    file = walk(open_file(tree), tree, Stage.DECIDED)
    with pytest.raises(DomainError, match="Lễ kết nạp quá hạn"):
        services.record_step(file, Stage.CEREMONY, on=date(2025, 8, 1))


def test_rule_values_are_dated_data(tree):
    RuleParameter.objects.create(
        key="admission.cell_vote_ratio", value={"num": 3, "den": 4}, valid_from=date(2025, 1, 1)
    )
    assert services.params_on(date(2024, 12, 31)).cell_vote.den == 3
    assert services.params_on(date(2025, 1, 1)).cell_vote.den == 4


def test_not_recognised_member_leaves_with_reason(tree):
    file = walk(open_file(tree), tree, Stage.CEREMONY)
    with pytest.raises(DomainError, match="lý do"):
        services.record_step(
            file, Stage.NOT_RECOGNISED, on=date(2026, 4, 15), decision_number="9-QĐ"
        )
    file = services.record_step(
        file,
        Stage.NOT_RECOGNISED,
        on=date(2026, 4, 15),
        decision_number="9-QĐ",
        note="Vi phạm tư cách",
    )
    assert Member.objects.get(pk=file.member_id).status == "deleted"


def test_open_file_validates(tree):
    with pytest.raises(DomainError) as err:
        services.open_file(
            organization=tree["committee"], identified_on=date(2025, 1, 1), **CANDIDATE
        )
    assert err.value.field == "organization"
    open_file(tree)
    with pytest.raises(DomainError, match="đang xét"):
        open_file(tree)


def test_target_report_counts_subtree(tree):
    walk(open_file(tree), tree, Stage.DECIDED)
    services.set_target(organization=tree["bloc"], year=2025, target=2)
    services.set_target(organization=tree["committee"], year=2025, target=1)
    rows = services.target_report(tree["bloc"], 2025)
    total, child = rows[0], rows[1]
    assert total["admitted"] == 1 and total["percent"] == 50.0
    assert child["org"] == tree["committee"] and child["percent"] == 100.0
