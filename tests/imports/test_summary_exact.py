"""Imports write members in bulk: the per-ancestor summary must stay exact through commit and
rollback on both paths (services and bulk)."""

import pytest

from dangbo.imports import services, writers
from dangbo.members import summary
from tests.imports.helpers import MEMBER_HEADERS, member_row, xlsx_bytes
from tests.members.test_summary import assert_exact


@pytest.mark.parametrize("bulk", [False, True], ids=["services", "bulk"])
def test_summary_exact_after_import_and_rollback(tree, officer, run_import, monkeypatch, bulk):
    if bulk:
        monkeypatch.setattr(writers, "BULK_THRESHOLD", 1)
    summary.rebuild()
    existing = tree["members_a"][1]  # Trần Thị Hằng: the file corrects her gender
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("Mới Một", id_number="555555555551"),
            member_row("Mới Hai", official=None, gender="Nữ"),
            member_row(
                existing.full_name,
                system_id=existing.pk,
                id_number=existing.id_number,
                gender="Nam",
                birth="15/03/1985",
                admitted="19/05/2010",
                official="19/05/2011",
            ),
        ],
    )
    job = run_import(officer, tree["bloc"], content)
    job = services.request_commit(job, user=officer, skip_errors=False)
    assert job.state == "committed", job.error_message
    assert_exact()
    job = services.request_rollback(job, user=officer)
    assert job.state == "rolled_back", job.error_message
    assert_exact()
