"""Write a planned tree and generated members into the database, fast on both engines."""

import random

from django.db import connection, transaction
from django.utils import timezone

from dangbo.core.text import normalize
from dangbo.demo.generator import OrgPlan, make_member
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
                normalize(m.full_name),
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
    if connection.vendor == "postgresql":
        _copy_rows(rows, total, progress)
    else:
        _insert_rows(rows, total, progress)
    with connection.cursor() as cursor:
        for sql in HISTORY_SQL:
            cursor.execute(sql.format(after=int(after)))
    return total


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
    ids = write_orgs(root)
    members = write_members(root, ids, seed, progress)
    return len(ids), members
