"""Pure rules of the import pipeline: the shapes of the sheets, cell parsers, header mapping.

No database access here. Every parser takes any cell value openpyxl can hand over (text,
number, date, time, bool, None, or anything else) and returns a clean value or raises
`CellError` with a Vietnamese message: a bad cell is a row error, never a crash.
"""

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from dangbo.core.params import parse_int
from dangbo.core.text import clean_spaces, mask_id_number, normalize, vi_number
from dangbo.imports.headers import auto_mapping, header_key  # noqa: F401
from dangbo.imports.shapes import (  # noqa: F401  (import paths kept)
    ADMISSION_SHAPE,
    EXEMPTION_SYNONYMS,
    GRADE_SYNONYMS,
    MEETING_SHAPE,
    MEMBER_SHAPE,
    ORG_REVIEW_SHAPE,
    ORG_SHAPE,
    REVIEW_SHAPE,
    SAME_NAME_NOTE,
    SHAPES,
    Column,
    Shape,
)
from dangbo.meetings import rules as meeting_rules
from dangbo.members import rules as member_rules

# Excel serial dates: day 1 is 1900-01-01 (with Excel's phantom 29/02/1900 → epoch 30/12/1899).
EXCEL_EPOCH = date(1899, 12, 30)
MIN_DATE = date(1900, 1, 1)
MAX_SERIAL = 73050  # 31/12/2099
MAX_CELL_LENGTH = 2000
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_MASKED_ID = re.compile(r"^\*+\d{3}$")
_SYSTEM_ID = re.compile(r"^#?\s*(\d{1,18})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Cell values repeat a lot (cell names, list values): normalise each distinct text once.
key_of = lru_cache(maxsize=200_000)(normalize)


class CellError(ValueError):
    """A cell that cannot be read; the message is Vietnamese and names the problem."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# ---------------------------------------------------------------- cell parsers


def _as_text(raw) -> str:
    """Any cell as stripped NFC text (numbers without a spurious '.0')."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise CellError("Giá trị đúng/sai không hợp lệ ở ô này.")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellError("Số không hợp lệ.")
        if raw.is_integer() and abs(raw) < 1e18:
            return str(int(raw))
        return clean_spaces(repr(raw))
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, datetime | date | time | timedelta):
        raise CellError("Ô này cần nhập chữ, không phải ngày giờ.")
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    if not isinstance(raw, str):
        raise CellError("Kiểu dữ liệu của ô không được hỗ trợ.")
    return _CONTROL.sub("", clean_spaces(raw))


def parse_text(raw, max_length: int = 255) -> str:
    text = _as_text(raw)
    if "\ufffd" in text:
        raise CellError("Ô chứa ký tự không đọc được (sai bảng mã).")
    if len(text) > max_length:
        raise CellError(f"Quá dài ({len(text)} ký tự, tối đa {max_length}).")
    return text


def parse_date(raw) -> date | None:
    """dd/mm/yyyy text (also d-m-yyyy, d.m.yyyy, yyyy-mm-dd), an Excel date, or a serial."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellError("Ngày không hợp lệ (cần dạng dd/mm/yyyy).")
    if isinstance(raw, datetime):
        if raw.time() != time(0, 0):
            raise CellError("Ngày không hợp lệ: ô chứa cả giờ phút.")
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, int | float):
        if not (isinstance(raw, int) or (math.isfinite(raw) and raw.is_integer())):
            raise CellError("Ngày không hợp lệ (cần dạng dd/mm/yyyy).")
        serial = int(raw)
        if not 1 <= serial <= MAX_SERIAL:
            raise CellError("Ngày không hợp lệ (cần dạng dd/mm/yyyy).")
        value = EXCEL_EPOCH + timedelta(days=serial)
    else:
        text = _as_text(raw)
        if not text:
            return None
        value = _date_from_text(text)
    if value < MIN_DATE:
        raise CellError(f"Ngày {value:%d/%m/%Y} không hợp lệ (trước năm 1900).")
    return value


def _date_from_text(text: str) -> date:
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise CellError(f"Ngày «{text[:40]}» không hợp lệ (cần dạng dd/mm/yyyy).")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError(f"Ngày «{text[:40]}» không tồn tại.") from exc


def parse_choice(
    raw, choices: tuple[tuple[str, str], ...], synonyms: tuple[tuple[str, str], ...] = ()
) -> str:
    """A label (with or without diacritics, any case), a synonym or a stored code → the code."""
    text = _as_text(raw)
    if not text:
        return ""
    value = _choice_index(choices + synonyms).get(key_of(text))
    if value is not None:
        return value
    sample = ", ".join(label for _v, label in choices[:6])
    more = ", …" if len(choices) > 6 else ""
    raise CellError(f"Giá trị «{text[:40]}» không có trong danh mục ({sample}{more}).")


@lru_cache(maxsize=64)
def _choice_index(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    index = {}
    for value, label in choices:
        index.setdefault(normalize(value), value)
        index.setdefault(normalize(label), value)
    return index


def parse_id_number(raw) -> str:
    """12 digits. Excel often stores them as numbers and drops leading zeros: we restore them
    only when the number is shorter than 12 digits, as text cannot be told apart otherwise."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            raise CellError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
        number = int(raw)
        if not 0 <= number < 10**12:
            raise CellError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
        return f"{number:012d}"
    text = _as_text(raw).replace(" ", "")
    if _MASKED_ID.match(text):
        return text  # a masked export value; the pipeline compares it with the stored one
    problem = member_rules.validate_id_number(text or None)
    if problem:
        raise CellError(problem)
    return text


def is_masked_id(text: str) -> bool:
    return bool(_MASKED_ID.match(text or ""))


def masked_matches(cell: str, stored: str | None) -> bool:
    """A masked export value stands for the stored ID when its visible digits agree."""
    return bool(stored) and mask_id_number(stored) == cell


def parse_system_id(raw) -> int | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            raise CellError("Mã hệ thống phải là số nguyên dương.")
        if not 0 < int(raw) < 10**18:
            raise CellError("Mã hệ thống phải là số nguyên dương.")
        return int(raw)
    text = _as_text(raw)
    if not text:
        return None
    match = _SYSTEM_ID.match(text)
    if not match or int(match.group(1)) == 0:
        raise CellError("Mã hệ thống phải là số nguyên dương.")
    return int(match.group(1))


_CHILD_FIRST = re.compile(r"\s*[—–]\s*")  # «Chi bộ Văn phòng — Đảng bộ Sở Tư pháp»
_PARENTS_FIRST = re.compile(r"\s*>\s*|\s+/\s+|\s*»\s*")  # «Đảng bộ Sở Tư pháp > Chi bộ …»


def org_chain(text: str) -> list[str]:
    """The keys an org reference names, the org first, then its parent, grandparent…:
    «Chi bộ Văn phòng — Đảng bộ Sở Tư pháp» (as the exports write a shared name) or a path
    «Đảng bộ Sở Tư pháp > Chi bộ Văn phòng» / «… / …». One key when the text has neither."""
    text = text or ""
    if _CHILD_FIRST.search(text):
        parts = _CHILD_FIRST.split(text)
    else:
        parts = list(reversed(_PARENTS_FIRST.split(text)))
    return [key_of(part) for part in parts if key_of(part)]


def parse_reference(raw) -> str:
    """An org reference (name, code or #id) as clean text; resolved later against the tree."""
    return parse_text(raw, max_length=255)


MIN_YEAR, MAX_YEAR = 1900, 2100
_YEAR_TEXT = re.compile(r"^(?:nam\s*)?(\d{4})$")


def parse_year(raw) -> int | None:
    """A year: a number cell (2024) or its text («2024», «Năm 2024»)."""
    if isinstance(raw, bool):
        raise CellError("Năm không hợp lệ (cần 4 chữ số, ví dụ 2024).")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            raise CellError("Năm không hợp lệ (cần 4 chữ số, ví dụ 2024).")
        value = int(raw)
    elif isinstance(raw, datetime | date):
        raise CellError("Ô này cần ghi năm (4 chữ số), không phải ngày.")
    else:
        text = _as_text(raw)
        if not text:
            return None
        match = _YEAR_TEXT.match(key_of(text))
        if not match:
            raise CellError(f"Năm «{text[:30]}» không hợp lệ (cần 4 chữ số, ví dụ 2024).")
        value = int(match.group(1))
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise CellError(f"Năm {value} không hợp lệ.")
    return value


MAX_COUNT = 10_000


def parse_count(raw) -> int | None:
    """A head count: a whole number from 0 (a number cell or its text)."""
    if isinstance(raw, bool):
        raise CellError("Cần nhập một số nguyên không âm.")
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            raise CellError("Cần nhập một số nguyên không âm.")
        value = int(raw)
    else:
        text = _as_text(raw)
        if not text:
            return None
        value = ascii_int(text, 6)
        if value is None:
            raise CellError(f"«{text[:30]}» không phải số nguyên không âm.")
    if not 0 <= value <= MAX_COUNT:
        raise CellError(f"Số người phải từ 0 đến {vi_number(MAX_COUNT)}.")
    return value


_SCORE_TEXT = re.compile(r"^(\d{1,3})(?:[.,](\d))?$")


def parse_score(raw) -> Decimal | None:
    """A total score from 0 to 100 with at most one decimal (85, 85.5, «85,5»)."""
    if isinstance(raw, bool):
        raise CellError("Điểm phải là số từ 0 đến 100.")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise CellError("Điểm phải là số từ 0 đến 100.")
        if not 0 <= raw <= 100:  # before quantize: 1e27 has no place for a decimal digit
            raise CellError("Điểm phải từ 0 đến 100.")
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
        if value != Decimal(str(raw)):
            raise CellError("Điểm ghi tối đa một chữ số thập phân.")
    else:
        text = _as_text(raw)
        if not text:
            return None
        match = _SCORE_TEXT.match(text)
        if not match:
            raise CellError(f"«{text[:30]}» không phải điểm (số từ 0 đến 100, ví dụ 85,5).")
        value = Decimal(f"{match.group(1)}.{match.group(2) or 0}")
    if not Decimal(0) <= value <= Decimal(100):
        raise CellError("Điểm phải từ 0 đến 100.")
    return value


def ascii_int(text: str, digits: int) -> int | None:
    """A whole number of at most `digits` ASCII digits ('¹'.isdigit() is True), else None."""
    if len(text) > digits:
        return None
    try:
        return parse_int(text, 0)
    except ValueError:
        return None


def parse_cell(column: Column, raw):
    """Dispatch on the column kind. Raises CellError for a bad or missing required value."""
    if column.kind == "date":
        value = parse_date(raw)
    elif column.kind == "choice":
        value = parse_choice(raw, column.choices, column.synonyms)
    elif column.kind == "year":
        value = parse_year(raw)
    elif column.kind == "id_number":
        value = parse_id_number(raw)
    elif column.kind == "system_id":
        value = parse_system_id(raw)
    elif column.kind == "count":
        value = parse_count(raw)
    elif column.kind == "score":
        value = parse_score(raw)
    elif column.kind in ("org", "org_type"):
        value = parse_reference(raw)
    else:
        value = parse_text(raw, column.max_length)
    if column.required and value in (None, ""):
        raise CellError("Bắt buộc nhập.")
    return value


# ---------------------------------------------------------------- header mapping


def mapping_problems(mapping: dict[int, str], shape: Shape) -> list[str]:
    """Required columns that no file column fills; a field mapped twice."""
    problems = []
    fields = list(mapping.values())
    for column in shape.columns:
        if column.required and column.field not in fields:
            problems.append(f"Chưa chọn cột nào cho «{column.header}».")
        if fields.count(column.field) > 1:
            problems.append(f"Cột «{column.header}» được chọn cho nhiều cột trong tệp.")
    return problems


# ---------------------------------------------------------------- member row checks


def identity_conflicts(values: dict, stored: dict) -> list[str]:
    """Fields of an import row that contradict the member its ID number points to.

    A row matched by ID number alone that names another person (full name, accents and case
    aside, or birth date) is a possible duplicate or a typo in the number — never an update:
    a name is corrected by the member's system code column or on the member's form."""
    conflicts = []
    name = values.get("full_name")
    if name and normalize(name) != normalize(stored.get("full_name")):
        conflicts.append("full_name")
    born = values.get("birth_date")
    if born and stored.get("birth_date") and born != stored["birth_date"]:
        conflicts.append("birth_date")
    return conflicts


def member_identity_problems(data: dict, today: date) -> dict[str, str]:
    """The checks register_member/correct_identity make without the database, by field.

    Same functions as the screens (members.rules), so an import accepts what a form accepts.
    """
    problems: dict[str, str] = {}
    if not data.get("full_name"):
        problems["full_name"] = "Cần nhập họ và tên."
    id_number = data.get("id_number") or None
    problem = member_rules.validate_id_number(id_number)
    if problem:
        problems["id_number"] = problem
    for key, message in member_rules.date_order_problems(
        data.get("birth_date"),
        data.get("admitted_on"),
        data.get("ceremony_on"),
        data.get("official_on"),
        today,
    ).items():
        problems.setdefault(key, message)
    return problems


def display_value(value) -> str:
    """A stored value as shown in the preview (dates dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


# ---------------------------------------------------------------- meeting row checks


def meeting_problems(data: dict, today: date) -> dict[str, str]:
    """A meeting record's own consistency: a held meeting is in the past, a thematic one has a
    topic, and the people present and absent add up to those expected."""
    problems: dict[str, str] = {}
    if data.get("planned_on") and data["planned_on"] > today:
        problems["planned_on"] = "Ngày sinh hoạt không được sau ngày hôm nay."
    if data.get("kind") in meeting_rules.THEMATIC_KINDS and not data.get("topic"):
        problems["topic"] = "Sinh hoạt chuyên đề cần có chủ đề."
    expected = data.get("expected_count")
    parts = [data.get(f) or 0 for f in ("attended_count", "excused_count", "unexcused_count")]
    if expected is not None and sum(parts) != expected:
        problems["expected_count"] = (
            f"Có mặt {parts[0]} + vắng có lý do {parts[1]} + vắng không lý do {parts[2]} "
            f"= {sum(parts)}, khác số đảng viên phải dự ({expected})."
        )
    return problems


def candidate_problems(data: dict, today: date) -> dict[str, str]:
    """The checks admissions.services.open_file makes without the database."""
    problems: dict[str, str] = {}
    if data.get("birth_date") and data["birth_date"] > today:
        problems["birth_date"] = "Ngày sinh không được sau ngày hôm nay."
    if data.get("identified_on") and data["identified_on"] > today:
        problems["identified_on"] = "Ngày xác định không được sau ngày hôm nay."
    problem = member_rules.validate_id_number(data.get("id_number") or None)
    if problem:
        problems["id_number"] = problem
    return problems


# ---------------------------------------------------------------- member import warnings

PROBATION_MONTHS = 12
MAX_WARNED_CELLS = 10


def overdue_probationers(admitted: list[date | None], today: date) -> int:
    """How many members admitted on these dates have been in the party over the 12-month
    probation by `today` (a member without an official date is recorded as probationary)."""
    return sum(
        1
        for day in admitted
        if day is not None and member_rules.add_months(day, PROBATION_MONTHS) < today
    )


def missing_official_warning(official_given: bool, overdue: int) -> str | None:
    """The warning before commit when no row has an official date and some members admitted
    over 12 months ago would all be recorded as probationary (issue #22). Never blocks."""
    if official_given or not overdue:
        return None
    return (
        f"Không có ngày chính thức: {overdue} đảng viên vào Đảng quá 12 tháng sẽ được ghi là "
        "dự bị, và báo cáo sẽ tính họ là dự bị. Nếu họ đã là đảng viên chính thức, hãy thêm cột "
        "«Ngày chính thức» (hoặc chọn đúng cột đó ở bước ghép cột) rồi kiểm tra lại."
    )


def cells_below_minimum(existing: dict[int, int], added: dict[int, int], minimum: int) -> list[int]:
    """Cells this import adds members to that would still have fewer than `minimum` official
    members afterwards: `existing` official counts now, `added` officials the import creates."""
    return sorted(cell for cell in added if existing.get(cell, 0) + added[cell] < minimum)


def small_cells_warning(labels: list[str], minimum: int) -> str | None:
    """The warning naming (up to 10 of) the cells under the minimum of official members."""
    if not labels:
        return None
    shown = "; ".join(labels[:MAX_WARNED_CELLS])
    more = len(labels) - MAX_WARNED_CELLS
    tail = f" và {more} chi bộ khác" if more > 0 else ""
    return (
        f"{len(labels)} chi bộ sau khi nhập có dưới {minimum} đảng viên chính thức: {shown}{tail}."
    )


def likely_duplicates_warning(notes: list[str]) -> str | None:
    """The warning naming (up to 10 of) the new rows that may be a person already recorded."""
    if not notes:
        return None
    shown = "; ".join(notes[:MAX_WARNED_CELLS])
    more = len(notes) - MAX_WARNED_CELLS
    tail = f" và {more} trường hợp khác" if more > 0 else ""
    return (
        f"{len(notes)} dòng thêm mới có thể trùng người đã có (cùng họ tên và ngày sinh): "
        f"{shown}{tail}. Kiểm tra trước khi ghi; nếu cùng một người, sửa dòng để cập nhật hồ sơ "
        "đã có (ghi mã hệ thống hoặc số định danh)."
    )


def undeclared_theory_warning(count: int) -> str | None:
    """New members with a blank theory level are counted as «Chưa khai» (not declared), not as
    «Chưa qua đào tạo»: say so before commit, so a missing column is noticed."""
    if not count:
        return None
    return (
        f"{count} đảng viên để trống «Lý luận chính trị»: báo cáo sẽ tính vào nhóm «Chưa khai» "
        "(không tính là «Chưa qua đào tạo»)."
    )
