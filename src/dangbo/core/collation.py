"""Vietnamese order of names: by the given name (the last word), then the whole name, with
the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …) and tones as a secondary difference
(ngang < huyền < hỏi < ngã < sắc < nặng), lower case before upper case.

PostgreSQL sorts with the ICU collation ``vi_icu`` (created by core migration 0005); SQLite
with the same order computed in Python (``sort_key``), registered on every connection as the
collation ``vi_icu`` with a ``dangbo_given_name`` function (``register_sqlite``). Querysets use
``vi_name_order("full_name")`` (or ``"member__full_name"``) in ``order_by``; lists in memory
``sorted(..., key=lambda m: name_key(m.full_name))``.
"""

import re
import unicodedata

from django.db.models import F, Func, TextField
from django.db.models.functions import Collate

COLLATION = "vi_icu"
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Tone marks (secondary weights, ICU's order for vi) and the marks that make a letter.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTERS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê"}
_LETTERS |= {("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
_LAST_WORD = re.compile(r"^.*\s")


def given_name(name: str | None) -> str:
    """The last word of a name ("Nguyễn Thị Minh Khai" → "Khai")."""
    return _LAST_WORD.sub("", name or "")


def sort_key(text: str | None) -> tuple:
    """(primary, secondary, tertiary) weights of `text` in Vietnamese order, as ICU's vi-VN
    compares them: letters, then tones, then case."""
    primary, secondary, tertiary = [], [], []
    for cluster in re.findall(r".[\u0300-\u036f]*", unicodedata.normalize("NFD", text or "")):
        base, marks = cluster[0], cluster[1:]
        lower = base.lower()
        letter, tone = lower, 0
        for mark in marks:
            if (letter, mark) in _LETTERS:
                letter = _LETTERS[(letter, mark)]
            else:
                tone = max(tone, _TONES.get(mark, 0))
        if letter in _RANK:
            weight = 200 + _RANK[letter]
        elif letter.isdigit():
            weight = 100 + int(letter) if letter.isascii() else 150
        elif letter.isspace() or not letter.isalnum():
            weight = 1 + (ord(letter) % 90)  # spaces and punctuation first
        else:
            weight = 1000 + ord(letter)
        primary.append(weight)
        secondary.append(tone)
        tertiary.append(0 if base == lower else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def name_key(name: str | None) -> tuple:
    """The key of a name in Vietnamese order: its given name, then the whole name."""
    return sort_key(given_name(name)), sort_key(name)


class GivenName(Func):
    """The last word of a name column, in SQL."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=r"regexp_replace(%(expressions)s, '^.*\s', '')",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="dangbo_given_name", **extra)


def vi_name_order(field: str = "full_name") -> list:
    """`order_by(*vi_name_order("member__full_name"), "id")`: Vietnamese order of names."""
    return [Collate(GivenName(F(field)), COLLATION), Collate(F(field), COLLATION)]


def _compare(left: str, right: str) -> int:
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def register_sqlite(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the SQLite side of the collation."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_collation(COLLATION, _compare)
    connection.connection.create_function("dangbo_given_name", 1, given_name, deterministic=True)
