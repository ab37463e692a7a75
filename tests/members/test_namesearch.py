"""Member search by the start of a word of the name: the rule, the key table the database
triggers keep, and the two-range pages and counts against a plain scan."""

from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.text import normalize
from dangbo.members import namesearch
from dangbo.members.models import Member, MemberNameKey
from tests import factories

WORDS = ["an", "anh", "van", "vân", "nguyễn", "nguyen", "thị", "ha", "hà", "hai", "lê", "le"]


def tails(name_search: str) -> set[str]:
    words = name_search.split(" ")
    return {" ".join(words[i:]) for i in range(1, len(words))}


def keys_of(member) -> set[str]:
    return set(MemberNameKey.objects.filter(member_id=member.pk).values_list("key", flat=True))


@pytest.mark.parametrize(
    ("name", "query", "expected"),
    [
        ("nguyen van an", "van a", True),
        ("nguyen van an", "nguyen", True),
        ("nguyen van an", "an", True),
        ("nguyen van anh", "an", True),
        ("hoang lan", "an", False),  # inside a word
        ("nguyen van an", "van an binh", False),
        ("nguyen van an", "", True),
        ("le thi ha", "thi h", True),
        ("le thi ha", "e thi", False),
    ],
)
def test_rule_matches_from_the_start_of_a_word(name, query, expected):
    assert namesearch.matches(name, query) is expected


def test_triggers_keep_the_later_word_keys_for_every_writer(tree):
    cell = tree["cell_a"]
    m = factories.member(cell, "Nguyễn Văn An")
    assert keys_of(m) == {"van an", "an"}
    m.full_name, m.name_search = "Nguyễn Thị Bích Ngọc", "nguyen thi bich ngoc"
    m.save()
    assert keys_of(m) == {"thi bich ngoc", "bich ngoc", "ngoc"}
    Member.objects.filter(pk=m.pk).update(name_search="tran an")  # a bulk / raw writer
    assert keys_of(m) == {"an"}
    Member.objects.filter(pk=m.pk).update(status=m.status)  # other columns: keys unchanged
    assert keys_of(m) == {"an"}
    single = factories.member(cell, "Hà")
    assert keys_of(single) == set()
    every = Member.objects.values_list("pk", "name_search")
    stored = set(MemberNameKey.objects.values_list("member_id", "key"))
    assert stored == {(pk, t) for pk, name in every for t in tails(name)}


def test_deleted_member_rows_take_their_keys(tree):
    # Members are never deleted by the application; a database clean-up must not leave keys
    # that a later member with the same id would inherit.
    m = factories.member(tree["cell_a"], "Trần Văn Bảy")
    pk = m.pk
    with connection.cursor() as cursor:
        for table in ("members_placement", "members_statusperiod", "members_memberevent"):
            cursor.execute(f"DELETE FROM {table} WHERE member_id = %s", [pk])
        cursor.execute("DELETE FROM members_member WHERE id = %s", [pk])
    assert not MemberNameKey.objects.filter(member_id=pk).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_truncate_empties_the_key_table(tree):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks
        cursor.execute("TRUNCATE members_member CASCADE")
    assert not MemberNameKey.objects.exists()


def _naive(queryset, key):
    rows = [(name, pk) for name, pk in queryset.values_list("name_search", "pk")]
    return [pk for name, pk in sorted(rows) if namesearch.matches(name, key)]


@pytest.fixture
def named(tree):
    """Members with overlapping name words in two cells."""
    names = [
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
        "An Văn Nguyễn",
        "Lê Thị Hà",
        "Lê Hà An",
        "Hà Văn Hải",
        "Vân Anh",
        "Nguyễn Nguyễn An",
        "Hoàng Lan",
        "Trần Văn Văn",
    ]
    made = []
    for i, name in enumerate(names):
        cell = tree["cell_a"] if i % 2 else tree["cell_b"]
        made.append(factories.member(cell, name, gender="F" if i % 3 else "M"))
    return made


@pytest.mark.parametrize("common_keys", [0, 10_000])  # ordered scan / two ranges
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    cut=st.integers(min_value=0, max_value=2),
    start=st.integers(min_value=0, max_value=6),
    size=st.integers(min_value=1, max_value=5),
)
def test_pages_and_counts_equal_a_plain_scan(
    named, monkeypatch, common_keys, query, cut, start, size
):
    monkeypatch.setattr(namesearch, "COMMON_KEYS", common_keys)
    query = query[: len(query) - cut] or query  # prefixes that end inside a word
    key = normalize(query)
    for base in (Member.objects.all(), Member.objects.filter(gender="F")):
        expected = _naive(base, key)
        found = base.matching_name(query)
        assert found.count() == len(expected)
        assert [m.pk for m in found.order_by("name_search", "id")[start : start + size]] == (
            expected[start : start + size]
        )
        assert [m.pk for m in found.page_by_ids()[start : start + size]] == (
            expected[start : start + size]
        )
        assert found.name_count(cap=2) == min(len(expected), 3)
        fresh = base.matching_name(query)  # a capped count first, then a longer page
        assert fresh.name_count(cap=0) == min(len(expected), 1)
        assert [m.pk for m in fresh.page_by_ids()[start : start + size]] == (
            expected[start : start + size]
        )
        assert sorted(m.pk for m in found) == sorted(expected)  # generic iteration


def test_other_orders_are_read_by_the_plain_query(named):
    found = Member.objects.matching_name("an").order_by("-name_search", "-id")
    expected = _naive(Member.objects.all(), "an")[::-1]
    assert [m.pk for m in found[0:4]] == expected[0:4]


def test_list_page_searches_word_starts_within_the_users_subtree(client, named, tree):
    officer = factories.user(role_code="org_board_officer", on=tree["cell_a"])
    client.force_login(officer)
    response = client.get(reverse("members:list"), {"q": "an"})
    shown = [row.record.full_name for row in response.context["table"].page.object_list]
    in_cell = Member.objects.filter(organization=tree["cell_a"])
    expected = [Member.objects.get(pk=pk).full_name for pk in _naive(in_cell, "an")]
    assert shown == expected and "Hoàng Lan" not in shown
    assert response.context["table"].paginator.count == len(expected)
    assert "hơn" not in response.content.decode().split("Tổng số:")[1][:40]


def test_list_says_more_than_the_cap(admin_client, named, monkeypatch):
    monkeypatch.setattr("dangbo.members.views.NAME_COUNT_CAP", 2)
    response = admin_client.get(reverse("members:list"), {"q": "nguyen"})
    body = response.content.decode()
    assert "Tổng số: hơn 2 — gõ thêm để thu hẹp" in body
    assert response.context["table"].paginator.count == 2
    response = admin_client.get(reverse("members:list"), {"q": "hoang lan"})
    assert "Tổng số: 1<" in response.content.decode()


def test_name_search_page_query_count(admin_client, named, django_assert_max_num_queries):
    for i in range(30):
        factories.member(named[0].organization, f"Hoàng Văn An {i}", birth_date=date(1990, 1, 2))
    for query in ("an", "hoang van", "zzz"):
        with django_assert_max_num_queries(9):
            assert admin_client.get(reverse("members:list"), {"q": query}).status_code == 200


def test_api_search_uses_the_same_rule(admin_client, named):
    response = admin_client.get("/api/v1/members/", {"q": "van a"})
    assert response.status_code == 200
    names = {row["full_name"] for row in response.json()["results"]}
    assert names == {"Nguyễn Văn An", "Nguyễn Văn Anh", "Vân Anh"}
    assert response.json()["count"] == 3
