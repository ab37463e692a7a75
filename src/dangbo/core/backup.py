"""Backups that restore: `dangbo backup`, `dangbo restore`, `dangbo move_database`.

A backup is a folder:

    dangbo-20261124-031500/
        database.sqlite3     (SQLite: the online backup API, a consistent copy while in use)
     or database.dump        (PostgreSQL: pg_dump -Fc, taken in the same snapshot as the sums)
        media.tar            (uploaded files, unless --no-media)
        manifest.json        (sha256 and size of each file, migrations applied, and for every
                              table its row count and an engine-independent checksum)

A table's checksum is the sum (mod 2^256) of the sha256 of each row, each row written out
field by field in a canonical text form (UTC timestamps, sorted JSON keys, …): the same rows
give the same checksum on SQLite and PostgreSQL, in any order. Restores and moves are checked
against it, table by table.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from dangbo.core.errors import DomainError

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


# --- canonical rows and table checksums -------------------------------------------------------


def canonical(value) -> str:
    """One field value as text that is the same whichever database it came from."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else "NaN"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value)


def models_to_check():
    """Every concrete, managed table: all models (auto-created m2m tables included) and the
    migration history."""
    seen = set()
    for model in [*apps.get_models(include_auto_created=True), MigrationRecorder.Migration]:
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        yield model


def table_stats(alias: str = DEFAULT_DB_ALIAS) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": hex}} for every table of `models_to_check`."""
    stats = {}
    for model in models_to_check():
        fields = [f.attname for f in model._meta.concrete_fields]
        total, count = 0, 0
        rows = model._base_manager.using(alias).order_by().values_list(*fields)
        for row in rows.iterator(chunk_size=5000):
            line = "\t".join(canonical(v) for v in row).encode()
            total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % 2**256
            count += 1
        stats[model._meta.db_table] = {"rows": count, "checksum": f"{total:064x}"}
    return dict(sorted(stats.items()))


def compare_stats(expected: dict, actual: dict) -> list[str]:
    """Differences, one line per table (empty: identical)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(f"{table}: not in the backup")
        elif got is None:
            problems.append(f"{table}: missing after restore")
        elif want["rows"] != got["rows"]:
            problems.append(f"{table}: {got['rows']} rows, expected {want['rows']}")
        elif want["checksum"] != got["checksum"]:
            problems.append(f"{table}: same row count, different content")
    return problems


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- connections to other databases -----------------------------------------------------------


@dataclass
class Target:
    """A database given by URL, reachable through a temporary connection alias."""

    url: str
    alias: str

    @property
    def settings_dict(self) -> dict:
        return connections[self.alias].settings_dict

    @property
    def vendor(self) -> str:
        return connections[self.alias].vendor


def open_database(url: str, alias: str) -> Target:
    """Register `url` as connection `alias` (same options as the default connection)."""
    parsed = dj_database_url.parse(url)
    base = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    config = {**base, **parsed, "OPTIONS": {}, "TEST": {}, "CONN_MAX_AGE": 0}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    if alias in connections.settings:
        connections[alias].close()
    connections.settings[alias] = config
    if hasattr(connections._connections, alias):
        delattr(connections._connections, alias)
    return Target(url=url, alias=alias)


def close_database(target: Target) -> None:
    connections[target.alias].close()
    delattr(connections._connections, target.alias)
    del connections.settings[target.alias]


def pg_env(config: dict) -> dict:
    """Environment for pg_dump / pg_restore / psql reaching the database of `config`."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if config.get(key):
            env[var] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = config["PASSWORD"]
    env["PGDATABASE"] = config["NAME"]
    return env


def pg_tool(name: str) -> str:
    folder = os.environ.get("DANGBO_PG_BIN")
    path = str(Path(folder) / name) if folder else shutil.which(name)
    if not path:
        raise DomainError(f"Không tìm thấy chương trình {name} của PostgreSQL (DANGBO_PG_BIN).")
    return path


def applied_migrations(alias: str) -> dict[str, str]:
    """The last migration applied per app."""
    last: dict[str, str] = {}
    recorder = MigrationRecorder.Migration.objects.using(alias).order_by("app", "name")
    for app, name in recorder.values_list("app", "name"):
        last[app] = name
    return last


# --- backup -----------------------------------------------------------------------------------


def backup(output: Path, media: bool = True, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup folder under `output`; returns its path."""
    connection = connections[alias]
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(output) / f"dangbo-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    if connection.vendor == "sqlite":
        files, stats, migrations = _backup_sqlite(connection, folder)
    elif connection.vendor == "postgresql":
        files, stats, migrations = _backup_postgresql(connection, folder)
    else:
        raise DomainError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    if media and Path(settings.MEDIA_ROOT).is_dir():
        with tarfile.open(folder / "media.tar", "w") as archive:
            archive.add(settings.MEDIA_ROOT, arcname="media")
        files.append("media.tar")
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "engine": connection.vendor,
        "files": {
            name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
            for name in files
        },
        "migrations": migrations,
        "tables": stats,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return folder


def _backup_sqlite(connection, folder: Path):
    connection.ensure_connection()
    target = folder / "database.sqlite3"
    destination = sqlite3.connect(target)
    with destination:
        connection.connection.backup(destination)
    destination.close()
    copy = open_database(f"sqlite:///{target}", "dangbo_backup_copy")
    try:
        stats = table_stats(copy.alias)
        migrations = applied_migrations(copy.alias)
    finally:
        close_database(copy)
    return ["database.sqlite3"], stats, migrations


def _backup_postgresql(connection, folder: Path):
    target = folder / "database.dump"
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        # pg_dump reads the very snapshot the checksums below read.
        result = subprocess.run(
            [pg_tool("pg_dump"), "-Fc", f"--snapshot={snapshot}", "-f", str(target)],
            env=pg_env(connection.settings_dict),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise DomainError(f"pg_dump thất bại: {result.stderr.strip()}")
        stats = table_stats(connection.alias)
        migrations = applied_migrations(connection.alias)
    return ["database.dump"], stats, migrations


# --- restore ----------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise DomainError(f"Không thấy {MANIFEST} trong {folder}: không phải bản sao lưu.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise DomainError("Bản sao lưu có định dạng khác, phiên bản này không đọc được.")
    return manifest


def verify_files(folder: Path, manifest: dict) -> list[str]:
    """Files missing or altered since the backup was written."""
    problems = []
    for name, meta in manifest["files"].items():
        path = Path(folder) / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif sha256_file(path) != meta["sha256"]:
            problems.append(f"{name}: sha256 differs from the manifest")
    return problems


def restore(folder: Path, url: str, media_root: Path | None = None) -> list[str]:
    """Restore the backup in `folder` into the empty database `url` (created if missing) and
    check every table against the manifest; returns the differences (empty: identical)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = verify_files(folder, manifest)
    if problems:
        raise DomainError("Bản sao lưu đã bị thay đổi hoặc thiếu tệp: " + "; ".join(problems))
    parsed = dj_database_url.parse(url)
    engine = "sqlite" if parsed["ENGINE"].endswith("sqlite3") else "postgresql"
    if engine != manifest["engine"]:
        raise DomainError(
            f"Bản sao lưu là {manifest['engine']}, đích là {engine}: "
            "dùng `dangbo move_database` để chuyển giữa hai loại."
        )
    if engine == "sqlite":
        path = Path(parsed["NAME"])
        if path.exists() and path.stat().st_size:
            raise DomainError(f"Tệp đích {path} đã có dữ liệu: chọn một tệp mới.")
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(folder / "database.sqlite3")
        destination = sqlite3.connect(path)
        with destination:
            source.backup(destination)
        source.close()
        destination.close()
    else:
        create_postgresql_database(parsed)
        target = open_database(url, "dangbo_restore_target")
        try:
            if _has_tables(target.alias):
                raise DomainError("Cơ sở dữ liệu đích đã có bảng: khôi phục vào một CSDL trống.")
        finally:
            close_database(target)
        result = subprocess.run(
            [
                pg_tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "-d",
                parsed["NAME"],
                str(folder / "database.dump"),
            ],
            env=pg_env(parsed),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise DomainError(f"pg_restore thất bại: {result.stderr.strip()}")
    if media_root is not None and "media.tar" in manifest["files"]:
        _restore_media(folder / "media.tar", Path(media_root))
    target = open_database(url, "dangbo_restore_target")
    try:
        return compare_stats(manifest["tables"], table_stats(target.alias))
    finally:
        close_database(target)


def _restore_media(archive_path: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path) as archive:
        for member in archive.getmembers():
            if not member.name.startswith("media"):
                continue
            member.name = member.name.removeprefix("media").lstrip("/") or "."
            archive.extract(member, media_root, filter="data")


def _has_tables(alias: str) -> bool:
    return bool(connections[alias].introspection.table_names())


def create_postgresql_database(config: dict) -> None:
    """CREATE DATABASE when it does not exist yet (through the maintenance database)."""
    maintenance = open_database(_url_with_name(config, "postgres"), "dangbo_maintenance")
    try:
        with connections[maintenance.alias].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                name = connections[maintenance.alias].ops.quote_name(config["NAME"])
                cursor.execute(f"CREATE DATABASE {name}")
    finally:
        close_database(maintenance)


def _url_with_name(config: dict, name: str) -> str:
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{auth}{config.get('HOST') or ''}{port}/{name}"


# --- move between engines ---------------------------------------------------------------------


def move_database(url: str, batch: int = 2000) -> tuple[dict, list[str]]:
    """Copy every row of the current database into the new, empty database `url` (migrated
    first), keeping primary keys; returns (source stats, differences)."""
    parsed = dj_database_url.parse(url)
    if parsed["ENGINE"].endswith("postgresql"):
        create_postgresql_database(parsed)
    target = open_database(url, "dangbo_move_target")
    try:
        if _has_tables(target.alias):
            raise DomainError("Cơ sở dữ liệu đích đã có bảng: chuyển vào một CSDL trống.")
        _migrate(url)
        if applied_migrations(target.alias) != applied_migrations(DEFAULT_DB_ALIAS):
            raise DomainError(
                "Cơ sở dữ liệu nguồn chưa cập nhật cấu trúc (migrate) bằng phiên bản này: "
                "chạy `dangbo migrate` trên nguồn trước."
            )
        source_stats = table_stats(DEFAULT_DB_ALIAS)
        models = list(models_to_check())
        connection = connections[target.alias]
        with transaction.atomic(using=target.alias), _keep_timestamps(models):
            # Rows written by migrations (default roles, content types, permissions) are
            # replaced by the source's own, ids included.
            tables = [m._meta.db_table for m in models]
            _empty_tables(connection, tables)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in models:
                _copy_table(model, target.alias, batch)
        _reset_sequences(connection, models)
        differences = compare_stats(source_stats, table_stats(target.alias))
        return source_stats, differences
    finally:
        close_database(target)


def _migrate(url: str) -> None:
    """Create the schema in a separate process that knows only the target database (data
    migrations then write there and nowhere else)."""
    env = {k: v for k, v in os.environ.items() if k != "DANGBO_REPLICA_URL"}
    env["DANGBO_DATABASE_URL"] = url
    result = subprocess.run(
        [sys.executable, "-m", "dangbo.manage", "migrate", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise DomainError(f"Không tạo được cấu trúc CSDL đích: {result.stderr.strip()[-2000:]}")


@contextmanager
def _keep_timestamps(models):
    """Copy auto_now / auto_now_add fields as they are instead of stamping them anew."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _empty_tables(connection, tables: list[str]) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in tables)} CASCADE")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")


def _copy_table(model, alias: str, batch: int) -> None:
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    rows = model._base_manager.using(DEFAULT_DB_ALIAS).order_by().values_list(*names)
    pending = []
    for row in rows.iterator(chunk_size=batch):
        obj = model(**dict(zip(names, row, strict=True)))
        pending.append(obj)
        if len(pending) >= batch:
            model._base_manager.using(alias).bulk_create(pending)
            pending = []
    if pending:
        model._base_manager.using(alias).bulk_create(pending)


def _reset_sequences(connection, models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
