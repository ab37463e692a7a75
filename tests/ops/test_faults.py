"""Faults inside one process: a full upload disk, a connection lost mid-write."""

import errno

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from django.urls import reverse

from dangbo.core.models import Role
from dangbo.imports.models import ImportJob
from tests import factories
from tests.imports.helpers import upload, xlsx_bytes


def test_full_upload_disk_gives_a_clear_error_and_writes_nothing(tree, client, monkeypatch):
    officer = factories.user("canbo_nhap", role_code="org_board_officer", on=tree["province"])
    client.force_login(officer)

    def disk_full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)
    content = xlsx_bytes(["Ho ten"], [["Màn Hình"]])
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "organization": tree["province"].pk, "file": upload(content)},
    )
    assert response.status_code == 507, response.content.decode()[-3000:]
    page = response.content.decode()
    assert "Máy chủ đã hết chỗ lưu tệp" in page and "chưa được ghi" in page
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_cut_off_midway_leaves_no_partial_rows():
    """A multi-row operation whose connection fails after some rows: none of them remain."""
    before = Role.objects.count()

    def lose_connection(execute, sql, params, many, context):
        if "INSERT" in sql and Role.objects.model._meta.db_table in sql:
            state["inserts"] += 1
            if state["inserts"] == 3:
                raise ConnectionError("connection lost")
        return execute(sql, params, many, context)

    state = {"inserts": 0}
    with (
        pytest.raises(ConnectionError),
        connection.execute_wrapper(lose_connection),
        transaction.atomic(),
    ):
        for n in range(5):
            Role.objects.create(code=f"tam_{n}", name=f"Vai trò tạm {n}")
    assert Role.objects.count() == before
