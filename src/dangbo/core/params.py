"""Query-string values: one parser per kind, so an odd value never becomes a 500.

The rule, the same on every screen and API endpoint:
- a value that names data (an id, a year, a month, a date) and cannot be read answers 400
  with a Vietnamese message naming the parameter (`BadParameter`); a well-formed id the user
  cannot reach is the view's 404, as for any object outside their subtree;
- navigation values (page, per_page) that cannot be read fall back to the default: the list
  still shows, on its first page / default size;
- an absent or blank value is the default.

Only ASCII digits count as digits: '¹'.isdigit() is True but int('¹') fails.
"""

import re
from datetime import date, datetime

from django.core.exceptions import BadRequest

from dangbo.core.errors import DomainError

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
MAX_ID = 2**63 - 1  # BigAutoField
YEAR_RANGE = (1900, 2200)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
MONTH_FORMATS = ("%m/%Y", "%Y-%m")
MAX_PER_PAGE = 500
_SHOWN = 40  # characters of a bad value repeated in the message


class BadParameter(DomainError, BadRequest):
    """A query-string value that cannot be read: 400 (HTML page or JSON `{name: [message]}`)."""

    def __init__(self, name: str, value: str, expected: str):
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "…"
        super().__init__(f"Giá trị «{shown}» của tham số «{name}» không hợp lệ: {expected}.", name)


# ------------------------------------------------------------------ pure parsers
# Each returns None for an absent or blank value and raises ValueError for a bad one.


def parse_int(text: str | None, minimum: int | None = None, maximum: int | None = None):
    text = (text or "").strip()
    if not text:
        return None
    if not _INTEGER.fullmatch(text):
        raise ValueError(text)
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(text)
    return value


def parse_id(text: str | None) -> int | None:
    return parse_int(text, 1, MAX_ID)


def parse_year(text: str | None) -> int | None:
    return parse_int(text, *YEAR_RANGE)


def parse_month_number(text: str | None) -> int | None:
    return parse_int(text, 1, 12)


def _parse_with(text: str | None, formats) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    for pattern in formats:
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if YEAR_RANGE[0] <= day.year <= YEAR_RANGE[1]:
            return day
    raise ValueError(text)


def parse_date(text: str | None) -> date | None:
    """dd/mm/yyyy or ISO yyyy-mm-dd."""
    return _parse_with(text, DATE_FORMATS)


def parse_month(text: str | None) -> date | None:
    """mm/yyyy or yyyy-mm: the first day of that month."""
    return _parse_with(text, MONTH_FORMATS)


# ------------------------------------------------------------------ request helpers

EXPECTED = {
    parse_int: "cần một số nguyên",
    parse_id: "cần một mã số (chữ số 0–9)",
    parse_year: f"cần một năm từ {YEAR_RANGE[0]} đến {YEAR_RANGE[1]}",
    parse_month_number: "cần một tháng từ 1 đến 12",
    parse_date: "cần một ngày dạng dd/mm/yyyy",
    parse_month: "cần một tháng dạng mm/yyyy",
}


def _read(query, name: str, parser, default, **bounds):
    raw = query.get(name)
    if not isinstance(raw, str):  # absent (a list or dict in a JSON body is not a value)
        return default if raw is None else _refuse(name, str(raw), parser)
    try:
        value = parser(raw, **bounds)
    except ValueError:
        return _refuse(name, raw, parser)
    return default if value is None else value


def _refuse(name, raw, parser):
    raise BadParameter(name, raw, EXPECTED[parser])


def query_of(request):
    """The query string of a Django or DRF request."""
    return getattr(request, "query_params", None) or request.GET


def get_int(request, name, default=None, minimum=None, maximum=None, query=None):
    query = query_of(request) if query is None else query
    return _read(query, name, parse_int, default, minimum=minimum, maximum=maximum)


def get_id(request, name: str, default=None, query=None) -> int | None:
    return _read(query_of(request) if query is None else query, name, parse_id, default)


def get_year(request, name: str = "year", default=None, query=None) -> int | None:
    return _read(query_of(request) if query is None else query, name, parse_year, default)


def get_month_number(request, name: str, default=None, query=None) -> int | None:
    return _read(query_of(request) if query is None else query, name, parse_month_number, default)


def get_date(request, name: str, default=None, query=None) -> date | None:
    return _read(query_of(request) if query is None else query, name, parse_date, default)


def get_month(request, name: str = "month", default=None, query=None) -> date | None:
    return _read(query_of(request) if query is None else query, name, parse_month, default)


def get_page(request, name: str = "page") -> int:
    """The page asked for; a bad one is the first (the paginator clamps a too-large one)."""
    try:
        return parse_int(query_of(request).get(name), 1) or 1
    except ValueError:
        return 1


def get_per_page(request, default: int, name: str = "per_page") -> int:
    """Rows per page asked for, within 1..MAX_PER_PAGE; a bad one is the default."""
    try:
        return parse_int(query_of(request).get(name), 1, MAX_PER_PAGE) or default
    except ValueError:
        return default
