"""Member search by name: what people type is the start of a word of the name.

"van an" finds "Nguyễn Văn An" and "Lê Văn Anh", not "Trần Vân Anh"'s middle of a word. A
match starts either at the first word (a range of the name index, already in name order) or at
a later word (a range of `members_name_key`, filled by database triggers — migration 0007).

Lists are in name order. A page is read from the two ranges separately and merged, so its cost
follows the number of matches, not the position of the first match in the whole register: a
scan of 5.6 million names in name order for "bùi văn tâm" walked to the end of the index.
When a later word is so common (a middle name: "văn", "thị") that its key range is large, its
matches are spread all over the name order and the plain ordered scan finds a page at once.
"""

from django.db.models import Q

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


def first_word_q(key: str) -> Q:
    return Q(name_search__gte=key, name_search__lt=key + AFTER_ALL)


def later_word_q(key: str) -> Q:
    return Q(name_search__contains=" " + key)


def name_q(key: str) -> Q:
    return first_word_q(key) | later_word_q(key)


def later_word_ids(key: str):
    """Member ids whose name has a word, after the first, starting with `key` (may repeat)."""
    from dangbo.members.models import MemberNameKey

    return MemberNameKey.objects.filter(key__gte=key, key__lt=key + AFTER_ALL).values("member_id")


def is_name_ordered(queryset) -> bool:
    query = queryset.query
    order = tuple(query.order_by) if query.order_by else ()
    if not order and not query.default_ordering:
        return False
    return order in NAME_ORDERS


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

    def later_rows(self) -> list[tuple[str, int]]:
        """(name_search, pk) of every later-word match, in name order (few: not common)."""
        later = self.queryset.filter(pk__in=later_word_ids(self.key))
        sql, params = later.values_list("name_search", "pk").query.sql_with_params()
        memo_key = ("later", sql, params)
        if memo_key not in self.memo:
            self.memo[memo_key] = list(later.values_list("name_search", "pk"))
        return self.memo[memo_key]

    def page_ids(self, start: int, stop: int) -> list[int] | None:
        """Ids of matches [start:stop] in name order, or None: the ordered scan does it."""
        if not self.split:
            return None
        rows = set(self.first().values_list("name_search", "pk")[:stop])
        rows.update(self.later_rows()[:stop])
        return [pk for _name, pk in sorted(rows)[start:stop]]

    def count(self, cap: int | None = None) -> int | None:
        """Number of matches — exact, or at most `cap` + 1 (a list says "more than `cap`": the
        search is for a person, and 2 million "Nguyễn" need no exact figure). None: the plain
        COUNT does it (exact, common later word)."""
        if not self.split:
            return _capped(self.queryset, cap) if cap is not None else None
        later = sum(1 for name, _pk in self.later_rows() if not name.startswith(self.key))
        total = _capped(self.first(), cap) + later
        return total if cap is None else min(total, cap + 1)


def _capped(queryset, cap: int | None) -> int:
    queryset = queryset.order_by()
    return queryset.count() if cap is None else queryset[: cap + 1].count()
