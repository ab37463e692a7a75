"""Write a planned tree and generated members into the database, fast on both engines."""

import random
from array import array
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from dangbo.core.text import normalize
from dangbo.demo.generator import OrgPlan, id_number, make_member, member_search_key
from dangbo.demo.history import MemberHistory
from dangbo.members import summary
from dangbo.organizations.models import Organization, OrgEvent, OrgPeriod, OrgType

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

PLACEMENT_COLUMNS = [
    "member_id",
    "organization_id",
    "valid_from",
    "valid_to",
    "decision_number",
    "note",
]

# Derived history, the same SQL on SQLite and PostgreSQL, for members with id > %(after)s:
# one placement from admission for each member without the planned ones written before.
HISTORY_SQL = [
    """INSERT INTO members_placement (member_id, organization_id, valid_from, valid_to,
           decision_number, note)
       SELECT id, organization_id, admitted_on, NULL, '', ''
       FROM members_member m WHERE id > {after}
       AND NOT EXISTS (SELECT 1 FROM members_placement p WHERE p.member_id = m.id)""",
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
    """Insert every planned org (depth order, dissolved ones too) with its periods and the
    decisions recorded about it; returns path → id."""
    types = {t.code: t for t in OrgType.objects.all()}
    plans = list(root.walk())
    rows = [
        Organization(
            name=p.name,
            name_search=normalize(p.name),
            org_type=types[p.type_code],
            founded_on=p.founded_on,
            dissolved_on=p.dissolved_on,
            is_active=p.dissolved_on is None,
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
                valid_from=period.valid_from,
                valid_to=period.valid_to,
                name=period.name,
                path=period.path,
                parent_id=ids[period.parent.path] if period.parent else None,
                org_type=types[p.type_code],
            )
            for p in plans
            for period in p.periods()
        ),
        batch_size=5000,
    )

    def ref(value):
        return [ids[v.path] for v in value] if isinstance(value, list) else ids[value.path]

    OrgEvent.objects.bulk_create(
        (
            OrgEvent(
                organization_id=ids[p.path],
                kind=e.kind,
                effective_date=e.on,
                decision_number=e.number,
                decision_date=e.on,
                signer=e.signer,
                details={**e.details, **{key: ref(v) for key, v in e.refs.items()}},
            )
            for p in plans
            for e in p.events
        ),
        batch_size=5000,
    )
    return ids


class _Placements:
    """The planned earlier placements of the members being written, compactly (the nation
    has over a million): member index, org id, start and end as ordinals (0: open)."""

    def __init__(self):
        self.member, self.org = array("i"), array("i")
        self.since, self.until, self.decision = array("i"), array("i"), array("i")
        self.decisions = {"": 0}
        self.members = 0

    def add(self, index: int, placements, ids) -> None:
        self.members += 1
        for org, since, until, decision in placements:
            self.member.append(index)
            self.org.append(ids[org.path])
            self.since.append(since.toordinal())
            self.until.append(until.toordinal() if until else 0)
            self.decision.append(self.decisions.setdefault(decision, len(self.decisions)))

    def rows(self, member_id):
        decisions = list(self.decisions)
        for i in range(len(self.member)):
            until = self.until[i]
            yield (
                member_id(self.member[i]),
                self.org[i],
                date.fromordinal(self.since[i]),
                date.fromordinal(until) if until else None,
                decisions[self.decision[i]],
                "",
            )


def _member_tuples(cells, ids, seed: int, now, history: MemberHistory, earlier: _Placements):
    rng = random.Random(seed * 7 + 1)
    history_rng = random.Random(seed * 7 + 2)  # its own stream: the members stay as they were
    index = 0
    for plan in cells:
        org_id = ids[plan.path]
        for _ in range(plan.members):
            m = make_member(rng, index)
            placements = history.placements(history_rng, plan, m.admitted_on)
            if placements:
                earlier.add(index, placements, ids)
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


def write_members(root: OrgPlan, ids: dict[str, int], seed: int, progress=None) -> tuple[int, int]:
    """Insert the members of every cell and the placements planned for those who were
    elsewhere before (demo.history), then derive the other placements and the status periods
    in SQL. Returns (members, members with earlier placements)."""
    cells = [p for p in root.walk() if p.members]
    total = sum(p.members for p in cells)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM members_member")
        after = cursor.fetchone()[0]
    earlier = _Placements()
    rows = _member_tuples(cells, ids, seed, timezone.now(), MemberHistory(root), earlier)
    bulk = connection.vendor == "postgresql" and after == 0 and total >= BULK_THRESHOLD
    with _indexes_set_aside(BULK_TABLES) if bulk else _nothing():
        write = _copy_rows if connection.vendor == "postgresql" else _insert_rows
        write("members_member", MEMBER_COLUMNS, rows, total, progress)
        if earlier.members:
            placements = earlier.rows(_member_ids(after, total))
            write("members_placement", PLACEMENT_COLUMNS, placements, len(earlier.member), None)
        with connection.cursor() as cursor:
            for sql in HISTORY_SQL:
                cursor.execute(sql.format(after=int(after)))
    return total, earlier.members


def _member_ids(after: int, total: int):
    """index → id of the members just written: consecutive ids in writing order (one COPY or
    one run of inserts), checked on the first and last; else looked up by ID number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(id), MAX(id), COUNT(*) FROM members_member WHERE id > %s", [after]
        )
        low, high, count = cursor.fetchone()
        if count == total and high - low + 1 == total:
            cursor.execute(
                "SELECT id, id_number FROM members_member WHERE id IN (%s, %s)", [low, high]
            )
            found = dict(cursor.fetchall())
            if found == {low: id_number(0), high: id_number(total - 1)}:
                return lambda index: low + index
    return _ids_by_number(after)


def _ids_by_number(after: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id FROM members_member WHERE id > %s", [after])
        by_number = dict(cursor.fetchall())
    return lambda index: by_number[id_number(index)]


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


def _copy_rows(table, columns, rows, total, progress):
    columns = ", ".join(columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for n, row in enumerate(rows, start=1):
                copy.write_row(row)
                if progress and n % 200_000 == 0:
                    progress(n, total)


def _insert_rows(table, columns, rows, total, progress, batch=5000):
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
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
def write_all(root: OrgPlan, seed: int, progress=None) -> tuple[int, int, int]:
    """Write the planned tree and its members: (orgs, members, members placed elsewhere
    before their current cell)."""
    summary.invalidate()  # members are written around Member.save; rebuild afterwards
    ids = write_orgs(root)
    members, moved = write_members(root, ids, seed, progress)
    return len(ids), members, moved
