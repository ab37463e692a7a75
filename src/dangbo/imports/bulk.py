"""Fast writes for large imports: rows go to the database as plain tuples (COPY on PostgreSQL,
one prepared `executemany` on SQLite), without building a model instance per row.

Measured on 20,000 members (bench/README.md): Django's `bulk_create` spent most of a commit
preparing each field of each object, and `bulk_update` (one CASE per field) took 6 ms per
updated row. The values written are the ones the ORM would write: each field's own
`get_db_prep_save`, its default when a row leaves it out, `now` for auto_now fields.
"""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.utils import timezone


def _fields(model, names: Sequence[str] | None, *, with_pk: bool):
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    if names is not None:
        by_name = {f.attname: f for f in fields} | {f.name: f for f in fields}
        fields = [by_name[n] for n in names]
    return fields


def _defaults(fields, given: set[str]) -> dict[str, object]:
    now = timezone.now()
    defaults = {}
    for f in fields:
        if f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default() or f.empty_strings_allowed or f.null:
            defaults[f.attname] = f.get_default()
        else:
            raise ValueError(f"{f.model.__name__}.{f.attname} needs a value")
    return defaults


def allocate_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys for `model`, reserved for this transaction.

    PostgreSQL: drawn from the column's sequence (safe under concurrency). SQLite: after the
    largest id ever used (the database runs transactions IMMEDIATE, so this transaction holds
    the write lock: nobody else can insert until it ends).
    """
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
    return list(range(start, start + count))


def insert_rows(model, rows: Iterable[dict], *, with_pk: bool = False) -> int:
    """Insert `rows` (dicts keyed by field attname; missing fields get their defaults).

    All rows must carry the same keys. Returns the number of rows written."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    fields = _fields(model, None, with_pk=with_pk)
    defaults = _defaults(fields, set(first))
    prepared_defaults = {
        name: next(f for f in fields if f.attname == name).get_db_prep_save(value, connection)
        for name, value in defaults.items()
    }
    plan = [(f.attname, f, f.attname in defaults) for f in fields]

    def tuples():
        for row in _chain(first, rows):
            yield tuple(
                prepared_defaults[name]
                if is_default
                else field.get_db_prep_save(row[name], connection)
                for name, field, is_default in plan
            )

    return _write(model._meta.db_table, [f.column for f in fields], tuples())


def _chain(first, rest):
    yield first
    yield from rest


def _write(table: str, columns: list[str], tuples) -> int:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            ) as copy:
                for values in tuples:
                    copy.write_row(values)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        batch = list(tuples)
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})", batch
        )
        return len(batch)


def update_rows(model, names: Sequence[str], rows: Iterable[tuple[int, dict]]) -> None:
    """`UPDATE … SET names … WHERE pk = %s` for each (pk, values): one prepared statement."""
    fields = _fields(model, names, with_pk=False)
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    params = [
        (*(f.get_db_prep_save(values[f.attname], connection) for f in fields), key)
        for key, values in rows
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", params)
