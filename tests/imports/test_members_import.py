"""Member imports end to end on the services: preview, commit, rollback, faults."""

from datetime import UTC, date, datetime

import pytest

from dangbo.core.errors import DomainError
from dangbo.imports import services, writers
from dangbo.imports.models import ImportJob, ImportRow
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes

State = ImportJob.State


def errors_of(job):
    return {
        (e["row"], e["column"].split(" *")[0].split(" (")[0], e["message"])
        for e in job.report["errors"]
    }


def test_preview_names_row_column_and_problem(tree, officer, run_import):
    existing = tree["members_a"][0]
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("  Hoàng   Văn Mới ", " chi bo van phong ", "123456789012"),  # ok
            member_row("Ngày Sai", birth="31/02/1990"),
            member_row("Không Chi Bộ", org="Chi bộ Không Có"),
            member_row("Ngoài Phạm Vi", org="Chi bộ Thôn Đông"),  # the commune: not the bloc's
            member_row("Trùng Số", id_number="123456789012"),
            member_row("Trùng CSDL", id_number=tree["village_members"][0].id_number),
            member_row("Quá Trẻ", birth="01/01/2000", admitted="01/01/2015"),
            member_row("Đảng Bộ", org="Đảng bộ Sở Tư pháp"),
            member_row(
                existing.full_name,
                system_id=existing.pk,
                id_number=existing.id_number,
                birth="15/03/1985",
                admitted="19/05/2010",
                official="19/05/2011",
                workplace="Sở Tư pháp",
            ),
        ],
    )
    job = run_import(officer, tree["bloc"], content)
    assert job.state == State.PREVIEWED
    assert job.counts == {"create": 1, "update": 1, "unchanged": 0, "error": 7, "total": 9}
    errors = errors_of(job)
    assert (3, "Ngày sinh", "Ngày «31/02/1990» không tồn tại.") in errors
    assert (
        4,
        "Chi bộ",
        "Không tìm thấy chi bộ «Chi bộ Không Có» trong phạm vi được giao.",
    ) in errors
    assert (
        5,
        "Chi bộ",
        "Không tìm thấy chi bộ «Chi bộ Thôn Đông» trong phạm vi được giao.",
    ) in errors
    assert (
        6,
        "Số định danh cá nhân",
        "Số định danh 123456789012 trùng với dòng 2 trong tệp.",
    ) in errors
    number = tree["village_members"][0].id_number
    assert (
        7,
        "Số định danh cá nhân",
        f"Số định danh {number} đã thuộc một đảng viên khác.",
    ) in errors
    assert (8, "Ngày vào Đảng", "Ngày vào Đảng phải khi đã đủ 18 tuổi.") in errors
    assert any(r == 9 and "là đảng bộ" in m for r, _c, m in errors)
    assert job.report["updates"] == [
        {
            "row": 10,
            "id": existing.pk,
            "name": existing.full_name,
            "changes": [["Nơi làm việc", "", "Sở Tư pháp"]],
        }
    ]
    assert job.report["creates"][0]["name"] == "Hoàng Văn Mới"
    assert job.report["creates"][0]["org"] == "Chi bộ Văn phòng"
    assert not Member.objects.filter(full_name="Hoàng Văn Mới").exists()  # a dry run


def test_excel_typed_cells_are_accepted(tree, officer, run_import):
    row = member_row("Excel Kiểu Ngày", id_number=1085001234)
    row[3] = datetime(1990, 3, 15)
    row[14] = 42143  # 19/05/2015 as an Excel serial
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, [row]))
    assert job.counts["create"] == 1, job.report
    services.request_commit(job, user=officer, skip_errors=False)
    member = Member.objects.get(full_name="Excel Kiểu Ngày")
    assert member.id_number == "001085001234"
    assert (member.birth_date, member.admitted_on) == (date(1990, 3, 15), date(2015, 5, 19))


def test_errors_block_commit_unless_the_user_skips_them(tree, officer, run_import):
    content = xlsx_bytes(
        MEMBER_HEADERS, [member_row("Tốt Một"), member_row("Lỗi Hai", birth="99/99/1999")]
    )
    job = run_import(officer, tree["bloc"], content)
    with pytest.raises(DomainError, match="1 dòng lỗi"):
        services.request_commit(job, user=officer, skip_errors=False)
    assert not Member.objects.filter(full_name="Tốt Một").exists()
    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == State.COMMITTED
    member = Member.objects.get(full_name="Tốt Một")
    assert member.organization == tree["cell_a"]
    assert member.status == "official"
    assert ImportRow.objects.filter(job=job, action="created", object_id=member.pk).exists()
    event = member.events.get()
    assert f"lần nhập #{job.pk}" in event.reason and event.recorded_by == officer


def test_commit_and_rollback_restore_everything(tree, officer, run_import):
    existing = tree["members_a"][1]
    before = Member.objects.filter(pk=existing.pk).values().get()
    counts = (Member.objects.count(), StatusPeriod.objects.count(), Placement.objects.count())
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("Mới Một", id_number="555555555551"),
            member_row("Mới Hai", official=None),
            member_row(
                existing.full_name,
                system_id=existing.pk,
                id_number=existing.id_number,
                gender="Nữ",
                birth="16/03/1985",
                admitted="19/05/2010",
                official="19/05/2011",
            ),
        ],
    )
    job = run_import(officer, tree["bloc"], content)
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert job.state == State.COMMITTED
    assert Member.objects.get(pk=existing.pk).birth_date == date(1985, 3, 16)
    assert Member.objects.get(full_name="Mới Hai").status == "probationary"

    job = services.request_rollback(job, user=officer)
    assert job.state == State.ROLLED_BACK, job.error_message
    assert not Member.objects.filter(full_name__startswith="Mới").exists()
    after = Member.objects.filter(pk=existing.pk).values().get()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert (
        Member.objects.count(),
        StatusPeriod.objects.count(),
        Placement.objects.count(),
    ) == counts
    assert existing.events.filter(kind="corrected").count() == 2  # import, then its undoing


def test_rollback_refused_once_a_later_change_touched_a_row(tree, officer, run_import):
    existing = tree["members_a"][0]
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("Sẽ Bị Sửa"),
            member_row(
                existing.full_name,
                system_id=existing.pk,
                id_number=existing.id_number,
                birth="15/03/1985",
                admitted="19/05/2010",
                official="19/05/2011",
                place_of_origin="Nam Định",
            ),
        ],
    )
    job = services.request_commit(
        run_import(officer, tree["bloc"], content), user=officer, skip_errors=False
    )
    member = Member.objects.get(full_name="Sẽ Bị Sửa")
    member_services.correct_identity(member, reason="Sửa tay", user=officer, place_of_origin="Huế")
    with pytest.raises(DomainError, match="đã được sửa sau lần nhập"):
        services.request_rollback(job, user=officer)
    assert Member.objects.filter(pk=member.pk).exists()
    assert ImportJob.objects.get(pk=job.pk).state == State.COMMITTED


def test_rollback_refused_when_other_records_refer_to_a_created_member(tree, officer, run_import):
    content = xlsx_bytes(MEMBER_HEADERS, [member_row("Có Kỷ Luật")])
    job = services.request_commit(
        run_import(officer, tree["bloc"], content), user=officer, skip_errors=False
    )
    member = Member.objects.get(full_name="Có Kỷ Luật")
    MemberEvent.objects.create(member=member, kind="status", date=date.today(), summary="x")
    with pytest.raises(DomainError, match="tham chiếu"):
        services.request_rollback(job, user=officer)
    assert Member.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("bulk", [False, True], ids=["services", "bulk"])
def test_fault_mid_commit_leaves_nothing_and_retry_works(
    tree, officer, run_import, monkeypatch, bulk
):
    if bulk:
        monkeypatch.setattr(writers, "BULK_THRESHOLD", 1)
        monkeypatch.setattr(writers, "BATCH", 2)
    rows = [member_row(f"Lỗi Giữa Chừng {n}", id_number=f"77777777770{n}") for n in range(5)]
    rows.append(
        member_row(
            tree["members_a"][0].full_name,
            system_id=tree["members_a"][0].pk,
            id_number=tree["members_a"][0].id_number,
            birth="15/03/1985",
            admitted="19/05/2010",
            official="19/05/2011",
            workplace="Đổi",
        )
    )
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, rows))
    counts = (
        Member.objects.count(),
        StatusPeriod.objects.count(),
        Placement.objects.count(),
        MemberEvent.objects.count(),
        ImportRow.objects.count(),
    )

    def killed(step, done):
        if done >= 2:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(writers, "checkpoint", killed)
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert job.state == State.FAILED and job.step == "commit"
    assert "dữ liệu không thay đổi" in job.error_message
    assert counts == (
        Member.objects.count(),
        StatusPeriod.objects.count(),
        Placement.objects.count(),
        MemberEvent.objects.count(),
        ImportRow.objects.count(),
    )
    assert Member.objects.get(pk=tree["members_a"][0].pk).workplace == ""

    monkeypatch.setattr(writers, "checkpoint", lambda step, done: None)
    job = services.retry(job, user=officer)
    assert job.state == State.COMMITTED
    assert Member.objects.filter(full_name__startswith="Lỗi Giữa Chừng").count() == 5
    assert Member.objects.get(pk=tree["members_a"][0].pk).workplace == "Đổi"


def test_a_worker_that_died_is_marked_failed_and_can_be_retried(tree, officer, run_import):
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, [member_row("Chết Giữa")]))
    # What a killed worker leaves behind: the job says "committing", nobody updates it.
    ImportJob.objects.filter(pk=job.pk).update(
        state=State.COMMITTING, step="commit", heartbeat_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert services.reap_stale_jobs() == 1
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert not Member.objects.filter(full_name="Chết Giữa").exists()
    assert job.counts["create"] == 1  # the preview's report is kept
    assert services.retry(job, user=officer).state == State.COMMITTED
    assert Member.objects.filter(full_name="Chết Giữa").exists()


def test_a_commit_whose_job_was_reaped_meanwhile_writes_nothing(
    tree, officer, run_import, monkeypatch
):
    """A worker frozen long enough to be reaped wakes up: it does not write (the user may
    already have retried), and the reaper's message stays."""
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, [member_row("Ngủ Quên")]))
    plan = services._plan

    def frozen_then_reaped(job, user, progress=None):
        result = plan(job, user, progress)
        ImportJob.objects.filter(pk=job.pk).update(
            state=State.FAILED, error_message="Tiến trình xử lý bị dừng giữa chừng"
        )
        return result

    monkeypatch.setattr(services, "_plan", frozen_then_reaped)
    services.request_commit(job, user=officer, skip_errors=False)
    job.refresh_from_db()
    assert job.state == State.FAILED and job.error_message == "Tiến trình xử lý bị dừng giữa chừng"
    assert not Member.objects.filter(full_name="Ngủ Quên").exists()
    assert not ImportRow.objects.filter(job=job).exists()


def test_rows_outside_the_users_subtree_and_other_members(tree, run_import):
    secretary = factories.user("bithu", role_code="org_board_officer", on=tree["cell_b"])
    other = tree["members_a"][0]
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("Sang Chi Bộ Khác", org="Chi bộ Văn phòng"),
            member_row(
                other.full_name,
                system_id=other.pk,
                org="Chi bộ Phòng Nghiệp vụ",
                birth="15/03/1985",
                admitted="19/05/2010",
            ),
        ],
    )
    job = run_import(secretary, tree["cell_b"], content)
    messages = [e["message"] for e in job.report["errors"]]
    assert "Không tìm thấy chi bộ «Chi bộ Văn phòng» trong phạm vi được giao." in messages
    assert (
        f"Không tìm thấy đảng viên có mã hệ thống {other.pk} trong phạm vi được giao." in messages
    )
    with pytest.raises(DomainError, match="không có quyền"):
        services.start_import(
            user=secretary,
            root=tree["cell_a"],
            kind="members",
            uploaded=upload(content),
        )


def test_changing_a_members_cell_is_a_transfer_not_an_import(tree, officer, run_import):
    member = tree["members_a"][0]
    row = member_row(
        member.full_name,
        system_id=member.pk,
        id_number=member.id_number,
        org="Chi bộ Phòng Nghiệp vụ",
        birth="15/03/1985",
        admitted="19/05/2010",
        official="19/05/2011",
    )
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, [row]))
    assert "chuyển sinh hoạt" in job.report["errors"][0]["message"]


def test_an_id_number_of_another_person_is_an_error_never_an_update(tree, officer, run_import):
    member = tree["members_a"][0]
    before = (member.full_name, member.gender, member.birth_date)
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [member_row("Người Khác Hẳn", id_number=member.id_number, birth="01/01/1991")],
    )
    job = run_import(officer, tree["bloc"], content)
    assert job.counts["error"] == 1 and job.counts["update"] == 0
    [(row, column, message)] = errors_of(job)
    assert row == 2 and column == "Số định danh cá nhân"
    assert f"đã thuộc đảng viên «{member.full_name}»" in message
    assert "họ tên và ngày sinh" in message
    member.refresh_from_db()
    assert (member.full_name, member.gender, member.birth_date) == before
