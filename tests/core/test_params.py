"""The one parser of query-string values: odd input is a ValueError (→ 400) or the default,
never another exception (→ 500)."""

import contextlib
from datetime import date

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from dangbo.core import params

PARSERS = [
    params.parse_int,
    params.parse_id,
    params.parse_year,
    params.parse_month_number,
    params.parse_date,
    params.parse_month,
]


@given(text=st.text(max_size=30), parser=st.sampled_from(PARSERS))
def test_any_text_is_a_value_none_or_a_value_error(text, parser):
    with contextlib.suppress(ValueError):
        parser(text)


@pytest.mark.parametrize("text", ["¹", "²", "١", "1e3", "1.0", "0x1", "1_000", " 1 2", "--1"])
def test_only_ascii_digits_are_numbers(text):
    with pytest.raises(ValueError):
        params.parse_int(text)


@pytest.mark.parametrize(
    ("parser", "text", "expected"),
    [
        (params.parse_id, " 42 ", 42),
        (params.parse_id, "", None),
        (params.parse_year, "2024", 2024),
        (params.parse_month_number, "12", 12),
        (params.parse_date, "05/03/2024", date(2024, 3, 5)),
        (params.parse_date, "2024-03-05", date(2024, 3, 5)),
        (params.parse_month, "03/2024", date(2024, 3, 1)),
        (params.parse_month, "2024-03", date(2024, 3, 1)),
    ],
)
def test_good_values(parser, text, expected):
    assert parser(text) == expected


@pytest.mark.parametrize(
    ("parser", "text"),
    [
        (params.parse_id, "0"),
        (params.parse_id, "-1"),
        (params.parse_id, str(2**63)),
        (params.parse_year, "0"),
        (params.parse_year, "-1"),
        (params.parse_year, "99999"),
        (params.parse_month_number, "13"),
        (params.parse_date, "31/02/2024"),
        (params.parse_date, "05/03/0001"),
        (params.parse_month, "13/2024"),
    ],
)
def test_bad_values(parser, text):
    with pytest.raises(ValueError):
        parser(text)


def _request(query: str):
    return RequestFactory().get("/x/?" + query)


def test_bad_value_is_a_bad_parameter_naming_it():
    with pytest.raises(params.BadParameter) as caught:
        params.get_id(_request("org=abc"), "org")
    assert caught.value.field == "org"
    assert "«abc»" in caught.value.message and "«org»" in caught.value.message


def test_absent_or_blank_is_the_default():
    assert params.get_year(_request(""), default=2020) == 2020
    assert params.get_year(_request("year="), default=2020) == 2020
    assert params.get_date(_request("on=01/02/2024"), "on") == date(2024, 2, 1)


def test_navigation_values_fall_back():
    assert params.get_page(_request("page=-1")) == 1
    assert params.get_page(_request("page=¹")) == 1
    assert params.get_page(_request("page=3")) == 3
    assert params.get_per_page(_request("per_page=-1"), 50) == 50
    assert params.get_per_page(_request("per_page=100000"), 50) == 50
    assert params.get_per_page(_request("per_page=20"), 50) == 20
