"""Shared helpers for the operations tests: run `dangbo` in a subprocess against databases
of their own (never the suite's test database)."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing

import pytest
from django.db import connection

PG_SERVER = os.environ.get("DANGBO_OPS_PG", "postgres://postgres@127.0.0.1:5432")


def pg_reachable() -> bool:
    return (
        shutil.which("pg_isready") is not None
        and subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0
    )


needs_postgres = pytest.mark.skipif(not pg_reachable(), reason="PostgreSQL not reachable")


def dangbo(*args, url: str, data_dir, check=True, timeout=600):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGBO_")}
    env |= {"DANGBO_DATABASE_URL": url, "DANGBO_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "dangbo.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode:
        raise AssertionError(f"dangbo {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def checksums(url: str, data_dir) -> dict:
    return json.loads(dangbo("table_checksums", url=url, data_dir=data_dir).stdout)


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def pg_database():
    """Names of fresh PostgreSQL databases (dropped afterwards)."""
    made = []

    def make() -> str:
        name = f"dangbo_ops_{uuid.uuid4().hex[:10]}"
        made.append(name)
        return f"{PG_SERVER}/{name}"

    yield make
    for name in made:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory):
    """A migrated SQLite database with the small demo data set and one uploaded file."""
    data_dir = tmp_path_factory.mktemp("seeded")
    url = f"sqlite:///{data_dir / 'dangbo.sqlite3'}"
    dangbo("migrate", "--noinput", "-v0", url=url, data_dir=data_dir)
    dangbo("seed_demo", "--size", "small", "-v0", url=url, data_dir=data_dir)
    (data_dir / "media" / "imports").mkdir(parents=True)
    (data_dir / "media" / "imports" / "danh-sach.xlsx").write_bytes(b"PK\x03\x04 demo upload")
    return url, data_dir


@pytest.fixture
def worker_database(transactional_db, tmp_path):
    """The URL under which a subprocess (a `dangbo db_worker`) opens the test's own database.

    PostgreSQL, or SQLite in a file (DANGBO_TEST_SQLITE_NAME): the test database itself. SQLite
    in memory (the default) cannot be shared with another process: it is copied into a file
    (the online backup API) and the test's connection points at that file until the test ends.
    """
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
        host = f"{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}"
        yield f"postgres://{config['USER']}{password}@{host}/{config['NAME']}"
        return
    if not connection.is_in_memory_db():
        yield f"sqlite:///{config['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    memory, name = connection.connection, config["NAME"]
    with closing(sqlite3.connect(path)) as target:
        memory.backup(target)
    connection.connection = None  # the next query opens the file (close() keeps a memory db)
    config["NAME"] = str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        config["NAME"] = name
        connection.connection = memory
