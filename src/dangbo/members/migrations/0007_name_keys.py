"""Word-prefix name search: the key table and the byte-order collation of `name_search`.

`members_name_key` holds, for every member, each tail of the unaccented name that starts at its
second, third … word ("nguyen van an" → "van an", "an"), written by database triggers from
every writer (services, bulk imports, seeds, raw SQL). A search for "van a" is then a range of
this index plus a range of the name index for the first word (see `members.namesearch`).

On PostgreSQL `name_search`, `org_path` and the keys use the "C" collation: names are stored unaccented and
lower-case, so byte order is alphabetical order, and a prefix becomes an index range whatever
the database's default collation (en_US ignores spaces; pattern indexes cannot be ordered)."""

from django.db import migrations, models

PG_TAILS = """
    SELECT array_to_string(w[i:], ' '), id
    FROM (SELECT id, string_to_array(name_search, ' ') AS w FROM {source} AS named) AS names,
         generate_subscripts(w, 1) AS i
    WHERE i >= 2"""

RENAMED = """SELECT {columns} FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE n.name_search IS DISTINCT FROM o.name_search"""

PG_FORWARD = [
    'ALTER TABLE members_member ALTER COLUMN name_search TYPE varchar(120) COLLATE "C"',
    # Paths are digits (any collation orders them alike); in "C" a subtree prefix is a range of
    # member_path_name_idx (org_path, name_search): a search inside a province reads its part.
    'ALTER TABLE members_member ALTER COLUMN org_path TYPE varchar(255) COLLATE "C"',
    'CREATE TABLE members_name_key (key varchar(120) COLLATE "C" NOT NULL, '
    "member_id bigint NOT NULL)",
    "INSERT INTO members_name_key (key, member_id) " + PG_TAILS.format(source="members_member"),
    "CREATE INDEX members_name_key_idx ON members_name_key (key, member_id)",
    "CREATE INDEX members_name_key_member_idx ON members_name_key (member_id)",
    "ANALYZE members_name_key",
    # Statement-level with transition tables: one pass per statement, however many rows a
    # bulk import, a seed or a restructuring writes.
    f"""
CREATE FUNCTION members_member_name_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO members_name_key (key, member_id) {PG_TAILS.format(source="new_rows")};
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM members_name_key WHERE member_id IN (SELECT id FROM old_rows);
    ELSE
        DELETE FROM members_name_key WHERE member_id IN ({RENAMED.format(columns="n.id")});
        INSERT INTO members_name_key (key, member_id)
            {PG_TAILS.format(source="(" + RENAMED.format(columns="n.id, n.name_search") + ")")};
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER members_member_keys_ins AFTER INSERT ON members_member
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_member_name_keys()""",
    """CREATE TRIGGER members_member_keys_upd AFTER UPDATE ON members_member
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_member_name_keys()""",
    """CREATE TRIGGER members_member_keys_del AFTER DELETE ON members_member
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION members_member_name_keys()""",
    """CREATE FUNCTION members_member_name_keys_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE members_name_key;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER members_member_keys_trunc AFTER TRUNCATE ON members_member
    FOR EACH STATEMENT EXECUTE FUNCTION members_member_name_keys_truncate()""",
]

PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS members_member_keys_trunc ON members_member",
    "DROP TRIGGER IF EXISTS members_member_keys_del ON members_member",
    "DROP TRIGGER IF EXISTS members_member_keys_upd ON members_member",
    "DROP TRIGGER IF EXISTS members_member_keys_ins ON members_member",
    "DROP FUNCTION IF EXISTS members_member_name_keys_truncate()",
    "DROP FUNCTION IF EXISTS members_member_name_keys()",
    "DROP TABLE IF EXISTS members_name_key",
    'ALTER TABLE members_member ALTER COLUMN name_search TYPE varchar(120) COLLATE "default"',
    'ALTER TABLE members_member ALTER COLUMN org_path TYPE varchar(255) COLLATE "default"',
]

# SQLite triggers allow neither common table expressions nor set-returning functions: the
# word starts are found by joining a table of character positions.
SQLITE_TAILS = """
    INSERT INTO members_name_key (key, member_id)
    SELECT substr(NEW.name_search, n), NEW.id FROM members_name_position
    WHERE n <= length(NEW.name_search) AND substr(NEW.name_search, n - 1, 1) = ' ';"""

SQLITE_FORWARD = [
    "CREATE TABLE members_name_position (n integer PRIMARY KEY)",
    "INSERT INTO members_name_position (n) SELECT value FROM ("
    + " UNION ALL ".join(f"SELECT {n} AS value" for n in range(2, 121))
    + ")",
    "CREATE TABLE members_name_key (key varchar(120) NOT NULL, member_id integer NOT NULL)",
    "INSERT INTO members_name_key (key, member_id) "
    "SELECT substr(m.name_search, p.n), m.id FROM members_member m "
    "JOIN members_name_position p ON p.n <= length(m.name_search) "
    "AND substr(m.name_search, p.n - 1, 1) = ' '",
    "CREATE INDEX members_name_key_idx ON members_name_key (key, member_id)",
    "CREATE INDEX members_name_key_member_idx ON members_name_key (member_id)",
    f"CREATE TRIGGER members_member_keys_ins AFTER INSERT ON members_member BEGIN{SQLITE_TAILS} END",
    f"""CREATE TRIGGER members_member_keys_upd AFTER UPDATE OF name_search ON members_member
    WHEN OLD.name_search IS NOT NEW.name_search BEGIN
    DELETE FROM members_name_key WHERE member_id = OLD.id;{SQLITE_TAILS} END""",
    """CREATE TRIGGER members_member_keys_del AFTER DELETE ON members_member BEGIN
    DELETE FROM members_name_key WHERE member_id = OLD.id; END""",
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS members_member_keys_del",
    "DROP TRIGGER IF EXISTS members_member_keys_upd",
    "DROP TRIGGER IF EXISTS members_member_keys_ins",
    "DROP TABLE IF EXISTS members_name_key",
    "DROP TABLE IF EXISTS members_name_position",
]


def create_keys(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in PG_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(sql)


def drop_keys(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in PG_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_dashboard_date_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="MemberNameKey",
            fields=[
                ("key", models.CharField(max_length=120, primary_key=True, serialize=False)),
                ("member_id", models.BigIntegerField()),
            ],
            options={"db_table": "members_name_key", "managed": False},
        ),
        migrations.RunPython(create_keys, drop_keys, hints={"schema_only": True}),
    ]
