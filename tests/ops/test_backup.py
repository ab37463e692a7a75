"""Backups that restore: the drill restores into a fresh database and compares every table's
row count and checksum (SQLite and PostgreSQL), and a laptop moves to PostgreSQL."""

import json
from pathlib import Path

import pytest

from tests.ops.conftest import checksums, dangbo, needs_postgres

pytestmark = pytest.mark.xdist_group("ops-backup")


def _backup(url, data_dir, output) -> Path:
    result = dangbo("backup", "--output", str(output), url=url, data_dir=data_dir)
    folder = Path(result.stdout.strip().splitlines()[-1])
    assert (folder / "manifest.json").is_file()
    return folder


def test_sqlite_restore_drill(seeded_sqlite, tmp_path):
    url, data_dir = seeded_sqlite
    folder = _backup(url, data_dir, tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"database.sqlite3", "media.tar"}
    assert manifest["tables"]["members_member"]["rows"] > 100
    source = checksums(url, data_dir)
    assert manifest["tables"] == source

    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    result = dangbo(
        "restore",
        str(folder),
        "--database-url",
        target,
        "--media-root",
        str(tmp_path / "media"),
        url=url,
        data_dir=data_dir,
    )
    assert "khớp" in result.stdout
    assert checksums(target, data_dir) == source  # every table: same rows, same content
    restored = tmp_path / "media" / "imports" / "danh-sach.xlsx"
    assert restored.read_bytes() == b"PK\x03\x04 demo upload"

    # Refused: a target that already holds data; a backup altered after it was written.
    result = dangbo(
        "restore", str(folder), "--database-url", target, url=url, data_dir=data_dir, check=False
    )
    assert result.returncode != 0 and "đã có dữ liệu" in result.stderr
    with (folder / "database.sqlite3").open("r+b") as handle:
        handle.seek(5000)
        handle.write(b"\x00altered\x00")
    other = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    result = dangbo(
        "restore", str(folder), "--database-url", other, url=url, data_dir=data_dir, check=False
    )
    assert result.returncode != 0
    assert "bị thay đổi" in result.stderr and "database.sqlite3: sha256" in result.stderr
    assert not (tmp_path / "never.sqlite3").exists()


@needs_postgres
def test_move_laptop_to_postgres_then_postgres_restore_drill(seeded_sqlite, pg_database, tmp_path):
    url, data_dir = seeded_sqlite
    source = checksums(url, data_dir)

    # One command moves the laptop installation; it checks counts and checksums itself.
    primary = pg_database()
    result = dangbo("move_database", "--to", primary, url=url, data_dir=data_dir)
    assert "khớp" in result.stdout
    assert checksums(primary, data_dir) == source
    # The copy is a working database: sequences continue after the copied ids.
    dangbo(
        "shell",
        "-c",
        "from dangbo.core.models import Role; Role.objects.create(code='ops_test', name='x')",
        url=primary,
        data_dir=data_dir,
    )

    # pg_dump -Fc in the same snapshot as the checksums, restored into a fresh database.
    folder = _backup(primary, data_dir, tmp_path / "pg-backups")
    assert "database.dump" in json.loads((folder / "manifest.json").read_text())["files"]
    restored = pg_database()
    result = dangbo(
        "restore", str(folder), "--database-url", restored, url=primary, data_dir=data_dir
    )
    assert "khớp" in result.stdout
    assert checksums(restored, data_dir) == checksums(primary, data_dir)

    # A second restore into the now non-empty database is refused.
    result = dangbo(
        "restore",
        str(folder),
        "--database-url",
        restored,
        url=primary,
        data_dir=data_dir,
        check=False,
    )
    assert result.returncode != 0 and "đã có bảng" in result.stderr
