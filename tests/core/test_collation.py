"""Vietnamese order of names (core.collation): given name first, then the whole name; the
Vietnamese alphabet, tones second, case third. The same order from PostgreSQL's ICU collation
and from SQLite's Python collation."""

from datetime import date

from dangbo.core.collation import name_key, sort_key, vi_name_order
from dangbo.meetings.services import roll
from dangbo.members.models import Member
from tests import factories

# As PostgreSQL's ICU vi-VN collation sorts them (checked by hand with psql).
EXPECTED = [
    "Lê Văn An",
    "Trần Thị Ánh",
    "Vũ Thị Ăn",
    "Bùi Thị Ân",
    "Nguyễn Văn Bình",
    "Hoàng Văn Dũng",
    "Đỗ Văn Đức",
    "Lê Thị Hà",
    "Trần Thị Hà",
    "Lê Thị Hả",
    "Lê Thị Hạ",
]


def test_python_key_orders_as_icu():
    assert sorted(reversed(EXPECTED), key=name_key) == EXPECTED
    words = ["há", "hã", "hà", "hả", "hạ", "ha", "Ha", "HA", "hb", "h a", "ha1", "hă", "hâ", "Há"]
    assert sorted(words, key=sort_key) == [
        "h a", "ha", "Ha", "HA", "hà", "hả", "hã", "há", "Há", "hạ", "ha1", "hă", "hâ", "hb",
    ]  # fmt: skip


def test_database_orders_names_the_vietnamese_way(tree):
    cell = tree["cell_b"]
    for name in reversed(EXPECTED):
        factories.member(cell, name)
    names = list(
        Member.objects.filter(organization=cell)
        .exclude(pk=tree["members_b"][0].pk)
        .order_by(*vi_name_order(), "id")
        .values_list("full_name", flat=True)
    )
    assert names == EXPECTED


def test_meeting_roll_in_vietnamese_order(tree):
    cell = tree["cell_b"]
    for name in ("Đỗ Văn Đức", "Hoàng Văn Dũng", "Lê Văn An"):
        factories.member(cell, name)
    names = [m.full_name for m in roll(cell, date.today())]
    assert names == ["Lê Văn An", "Hoàng Văn Dũng", "Phạm Quang Dũng", "Đỗ Văn Đức"]
