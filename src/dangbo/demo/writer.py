"""Write a planned tree and generated members into the database, fast on both engines."""

import random
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from dangbo.core.text import normalize
from dangbo.demo.generator import OrgPlan, make_member, member_search_key
from dangbo.members import summary
from dangbo.organizations.models import Organization, OrgPeriod, OrgType

MEMBER_COLUMNS = [
    "full_name",
    "name_search",
    "gender",
    "birth_date",
    "place_of_origin",
    "ethnicity",
    "religion",
    "id_number",
    "history_number",
    "education",
    "qualification",
    "theory_level",
    "occupation",
    "workplace",
    "admitted_on",
    "ceremony_on",
    "official_on",
    "status",
    "status_since",
    "organization_id",
    "org_path",
    "created_at",
    "updated_at",
]

# Derived history, the same SQL on SQLite and PostgreSQL, for members with id > %(after)s.
HISTORY_SQL = [
    """INSERT INTO members_placement (member_id, organization_id, valid_from, valid_to,
           decision_number, note)
       SELECT id, organization_id, admitted_on, NULL, '', ''
       FROM members_member WHERE id > {after}""",
    """INSERT INTO members_statusperiod (member_id, status, valid_from, valid_to,
           decision_number, note)
       SELECT id, 'probationary', admitted_on, official_on, '', '' FROM members_member
       WHERE id > {after}""",
    """INSERT INTO members_statusperiod (member_id, status, valid_from, valid_to,
           decision_number, note)
       SELECT id, 'official', official_on,
              CASE WHEN status = 'official' THEN NULL ELSE status_since END, '', ''
       FROM members_member WHERE id > {after} AND official_on IS NOT NULL""",
    """INSERT INTO members_statusperiod (member_id, status, valid_from, valid_to,
           decision_number, note)
       SELECT id, status, status_since, NULL, '', '' FROM members_member
       WHERE id > {after} AND status NOT IN ('official', 'probationary')""",
]


def write_orgs(root: OrgPlan) -> dict[str, int]:
    """Insert every planned org (depth order) with its first period; returns path → id."""
    types = {t.code: t for t in OrgType.objects.all()}
    plans = list(root.walk())
    rows = [
        Organization(
            name=p.name,
            name_search=normalize(p.name),
            org_type=types[p.type_code],
            founded_on=p.founded_on,
            path=p.path,
            depth=p.depth,
            numchild=len(p.children),
        )
        for p in plans
    ]
    Organization.objects.bulk_create(rows, batch_size=5000)
    ids = dict(Organization.objects.values_list("path", "pk"))
    OrgPeriod.objects.bulk_create(
        (
            OrgPeriod(
                organization_id=ids[p.path],
                valid_from=p.founded_on,
                name=p.name,
                path=p.path,
                parent_id=ids.get(p.path[:-4]),
                org_type=types[p.type_code],
            )
            for p in plans
        ),
        batch_size=5000,
    )
    return ids


def _member_tuples(cells, ids, seed: int, now):
    rng = random.Random(seed * 7 + 1)
    index = 0
    for plan in cells:
        org_id = ids[plan.path]
        for _ in range(plan.members):
            m = make_member(rng, index)
            index += 1
            yield (
                m.full_name,
                member_search_key(m.full_name),
                m.gender,
                m.birth_date,
                m.place_of_origin,
                m.ethnicity,
                m.religion,
                m.id_number,
                "",
                m.education,
                m.qualification,
                m.theory_level,
                m.occupation,
                "",
                m.admitted_on,
                m.ceremony_on,
                m.official_on,
                m.status,
                m.status_since,
                org_id,
                plan.path,
                now,
                now,
            )


def write_members(root: OrgPlan, ids: dict[str, int], seed: int, progress=None) -> int:
    """Insert the members of every cell, then derive placements and status periods in SQL."""
    cells = [p for p in root.walk() if p.members]
    total = sum(p.members for p in cells)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM members_member")
        after = cursor.fetchone()[0]
    rows = _member_tuples(cells, ids, seed, timezone.now())
    bulk = connection.vendor == "postgresql" and after == 0 and total >= BULK_THRESHOLD
    with _indexes_set_aside(BULK_TABLES) if bulk else _nothing():
        if connection.vendor == "postgresql":
            _copy_rows(rows, total, progress)
        else:
            _insert_rows(rows, total, progress)
        with connection.cursor() as cursor:
            for sql in HISTORY_SQL:
                cursor.execute(sql.format(after=int(after)))
    return total


# Loading millions of rows into empty tables: build secondary indexes and check foreign keys
# once at the end instead of row by row (PostgreSQL; same transaction, so all or nothing).
BULK_THRESHOLD = 100_000
BULK_TABLES = ("members_member", "members_placement", "members_statusperiod")


@contextmanager
def _nothing():
    yield


@contextmanager
def _indexes_set_aside(tables):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the orgs just written, now
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
               FROM pg_constraint c
               WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')""",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
               FROM pg_index i
               WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary""",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _copy_rows(rows, total, progress):
    columns = ", ".join(MEMBER_COLUMNS)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY members_member ({columns}) FROM STDIN") as copy:
            for n, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress and n % 200_000 == 0:
                    progress(n, total)


def _insert_rows(rows, total, progress, batch=5000):
    columns = ", ".join(MEMBER_COLUMNS)
    marks = ", ".join(["%s"] * len(MEMBER_COLUMNS))
    sql = f"INSERT INTO members_member ({columns}) VALUES ({marks})"
    buffer = []
    done = 0
    with connection.cursor() as cursor:
        for row in rows:
            buffer.append(row)
            if len(buffer) >= batch:
                cursor.executemany(sql, buffer)
                done += len(buffer)
                buffer.clear()
                if progress and done % 200_000 == 0:
                    progress(done, total)
        if buffer:
            cursor.executemany(sql, buffer)


@transaction.atomic
def write_all(root: OrgPlan, seed: int, progress=None) -> tuple[int, int]:
    summary.invalidate()  # members are written around Member.save; rebuild afterwards
    ids = write_orgs(root)
    members = write_members(root, ids, seed, progress)
    return len(ids), members
