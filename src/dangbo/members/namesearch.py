"""Member search by name: what people type is the start of a word of the name.

"van an" finds "Nguyễn Văn An" and "Lê Văn Anh"; "an" does not find "Hoàng Lan". A match
starts either at the first word (a range of the name index, already in name order) or at a
later word (a range of `members_name_key`, filled by database triggers — migration 0007).

Lists are in name order. A page is read from the two ranges separately and merged, so its cost
follows the number of matches, not the position of the first match in the whole register: a
scan of 5.6 million names in name order for "bùi văn tâm" walked to the end of the index.
When a later word is so common (a middle name: "văn", "thị") that its key range is large, its
matches are spread all over the name order and the plain ordered scan finds a page at once.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.expressions import RawSQL

from dangbo.core.text import normalize

# Sorts after every character of a name (byte order: C collation, SQLite's BINARY).
AFTER_ALL = "\U0010ffff"
# Above this many later-word keys, a page is read by the ordered scan (see the module doc).
COMMON_KEYS = 20_000
NAME_ORDERS = ((), ("name_search",), ("name_search", "id"), ("name_search", "pk"))


def search_key(text: str | None) -> str:
    """The normalized query: unaccented, lower-case, single spaces."""
    return normalize(text)


def matches(name_search: str, key: str) -> bool:
    """The rule itself, on one normalized name (what the database conditions compute)."""
    return (" " + name_search).find(" " + key) >= 0 if key else True


def prefix_q(field: str, key: str) -> Q:
    """`field` starts with `key`, as an index range. PostgreSQL turns LIKE 'key%' on a "C"
    column into the range itself and estimates its size from the prefix (an explicit range
    inside one histogram bucket is estimated at one row, and the planner then joins the wrong
    way); SQLite's LIKE ignores case and cannot use an index, so it is given the range."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": key})
    return Q(**{f"{field}__gte": key, f"{field}__lt": key + AFTER_ALL})


def first_word_q(key: str) -> Q:
    return prefix_q("name_search", key)


def later_word_q(key: str) -> Q:
    return Q(name_search__contains=" " + key)


def name_q(key: str) -> Q:
    return first_word_q(key) | later_word_q(key)


def later_word_ids(key: str):
    """Member ids whose name has a word, after the first, starting with `key` (may repeat)."""
    from dangbo.members.models import MemberNameKey

    return MemberNameKey.objects.filter(prefix_q("key", key)).values("member_id")


def is_name_ordered(queryset) -> bool:
    query = queryset.query
    order = tuple(query.order_by) if query.order_by else ()
    if not order and not query.default_ordering:
        return False
    return order in NAME_ORDERS


def keyed_members_q(key: str, table: str):
    """Members of `table` with a later word starting with `key`. On PostgreSQL the key table
    is read first, as an array the members are looked up by (`id = ANY(ARRAY(…))`): given
    it as an `IN (subquery)`, the planner misjudged the name filter and scanned all 5.6
    million members (690 ms for "van an" on the nation instead of ~90 ms)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=later_word_ids(key))
    keys = later_word_ids(key).values_list("member_id", flat=True)
    sql, params = keys.query.sql_with_params()
    quoted = connection.ops.quote_name(table)
    return ExpressionWrapper(
        RawSQL(f"{quoted}.id = ANY(ARRAY({sql}))", params), output_field=BooleanField()
    )


def is_common_later_word(key: str) -> bool:
    return later_word_ids(key)[: COMMON_KEYS + 1].count() > COMMON_KEYS


class Matches:
    """The matches of `key` in `queryset` (filtered, without the name condition's shortcuts),
    read as two ranges when the later word is not common. `memo` is shared by the querysets
    of one request (the count and the page): what the key table says, and the later-word
    matches of each filter, are read once."""

    def __init__(self, queryset, key: str, memo: dict):
        self.queryset = queryset.order_by("name_search", "pk")
        self.key = key
        self.memo = memo
        if "common" not in memo:
            memo["common"] = is_common_later_word(key)
        self.split = not memo["common"]

    def first(self):
        return self.queryset.filter(first_word_q(self.key))

    def later_rows(self, limit: int | None) -> list[tuple[str, int]]:
        """(name_search, pk) of the first `limit` later-word matches that are not first-word
        matches, in name order (None: all). Few — the later word is not common — and read
        once per request for the count and the page."""
        table = self.queryset.model._meta.db_table
        later = self.queryset.filter(keyed_members_q(self.key, table)).exclude(
            first_word_q(self.key)
        )
        rows = later.values_list("name_search", "pk")
        try:
            sql, params = rows.query.sql_with_params()
        except EmptyResultSet:  # restricted to nothing, or an empty scope (no such org)
            return []
        have = self.memo.get(("later", sql, params))
        if have is None or not _enough(have[0], limit):
            have = (limit, list(rows if limit is None else rows[:limit]))
            self.memo[("later", sql, params)] = have
        return have[1]

    def page_ids(self, start: int, stop: int) -> list[int] | None:
        """Ids of matches [start:stop] in name order, or None: the ordered scan does it."""
        if not self.split:
            return None
        rows = set(self.first().values_list("name_search", "pk")[:stop])
        rows.update(self.later_rows(stop)[:stop])
        return [pk for _name, pk in sorted(rows)[start:stop]]

    def count(self, cap: int | None = None) -> int | None:
        """Number of matches — exact, or at most `cap` + 1 (a list says "more than `cap`": the
        search is for a person, and 2 million "Nguyễn" need no exact figure). None: the plain
        COUNT does it (exact, common later word)."""
        if not self.split:
            return _capped(self.queryset, cap) if cap is not None else None
        limit = None if cap is None else cap + 1
        total = _capped(self.first(), cap) + len(self.later_rows(limit)[:limit])
        return total if cap is None else min(total, cap + 1)


def _enough(have: int | None, need: int | None) -> bool:
    return have is None or (need is not None and have >= need)


def _capped(queryset, cap: int | None) -> int:
    queryset = queryset.order_by()
    return queryset.count() if cap is None else queryset[: cap + 1].count()
