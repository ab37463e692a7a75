"""Cell parsers and header mapping (pure), with hypothesis fuzzing: never a crash."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.imports import pipeline, rules
from dangbo.imports.rules import MEMBER_SHAPE, REVIEW_SHAPE, CellError

DATE_COLUMN = MEMBER_SHAPE.column("birth_date")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("15/03/1985", date(1985, 3, 15)),
        (" 5/3/1985 ", date(1985, 3, 5)),
        ("05-03-1985", date(1985, 3, 5)),
        ("05.03.1985", date(1985, 3, 5)),
        ("1985-03-05", date(1985, 3, 5)),
        (datetime(1985, 3, 5), date(1985, 3, 5)),
        (date(1985, 3, 5), date(1985, 3, 5)),
        (31111, date(1985, 3, 5)),  # an Excel serial date
        (31111.0, date(1985, 3, 5)),
        (None, None),
        ("  ", None),
    ],
)
def test_dates_in_text_and_excel_forms(raw, expected):
    assert rules.parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("31/02/1990", "không tồn tại"),
        ("1990/02/31", "không hợp lệ"),
        ("15/03/85", "không hợp lệ"),
        ("hôm qua", "không hợp lệ"),
        (datetime(1985, 3, 5, 10, 30), "giờ phút"),
        (True, "không hợp lệ"),
        (1.5, "không hợp lệ"),
        (-3, "không hợp lệ"),
        ("01/01/1800", "trước năm 1900"),
        (time(10, 0), "không"),
    ],
)
def test_bad_dates_are_cell_errors(raw, message):
    with pytest.raises(CellError, match=message):
        rules.parse_date(raw)


def test_choices_accept_labels_without_diacritics_and_codes():
    column = MEMBER_SHAPE.column("theory_level")
    assert rules.parse_cell(column, "Trung cấp") == "intermediate"
    assert rules.parse_cell(column, "  trung cap ") == "intermediate"
    assert rules.parse_cell(column, "intermediate") == "intermediate"
    assert rules.parse_cell(MEMBER_SHAPE.column("gender"), "nu") == "F"
    assert rules.parse_cell(MEMBER_SHAPE.column("ethnicity"), "e de") == "Ê Đê"
    with pytest.raises(CellError, match="không có trong danh mục"):
        rules.parse_cell(column, "Tiến sĩ chính trị")


def test_id_numbers_keep_leading_zeros_and_reject_bad_ones():
    assert rules.parse_id_number(1085001234) == "001085001234"
    assert rules.parse_id_number(" 001085001234 ") == "001085001234"
    assert rules.parse_id_number("*********234") == "*********234"  # masked export value
    for bad in ("12345", "00108500123x", 1e13, 12.5):
        with pytest.raises(CellError, match="12 chữ số"):
            rules.parse_id_number(bad)


def test_required_and_text_cells():
    with pytest.raises(CellError, match="Bắt buộc"):
        rules.parse_cell(MEMBER_SHAPE.column("full_name"), "   ")
    assert rules.parse_cell(MEMBER_SHAPE.column("full_name"), "  Lê   Văn  Tám ") == "Lê Văn Tám"
    with pytest.raises(CellError, match="Quá dài"):
        rules.parse_cell(MEMBER_SHAPE.column("history_number"), "x" * 31)


def test_headers_map_with_or_without_diacritics_and_marks():
    headers = ["HO VA TEN", "Ngày sinh *", "Số CCCD", "chi bo (ten)", "Ghi chú", "Giới tính"]
    mapping = rules.auto_mapping(headers, MEMBER_SHAPE)
    assert mapping == {
        0: "full_name",
        1: "birth_date",
        2: "id_number",
        3: "organization",
        5: "gender",
    }
    assert rules.mapping_problems(mapping, MEMBER_SHAPE) == [
        "Chưa chọn cột nào cho «Ngày vào Đảng»."
    ]


def test_template_headers_map_to_every_column():
    for shape in rules.SHAPES.values():
        mapping = rules.auto_mapping([c.label for c in shape.columns], shape)
        assert list(mapping.values()) == [c.field for c in shape.columns]


@pytest.mark.parametrize(
    "raw, expected",
    [(2024, 2024), (2024.0, 2024), ("2024", 2024), (" Năm 2024 ", 2024), ("nam 2019", 2019)],
)
def test_years_as_numbers_or_text(raw, expected):
    assert rules.parse_cell(REVIEW_SHAPE.column("year"), raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("24", "cần 4 chữ số"),
        ("2024-2025", "cần 4 chữ số"),
        (2024.5, "không hợp lệ"),
        (1800, "Năm 1800 không hợp lệ"),
        (True, "không hợp lệ"),
        (date(2024, 1, 1), "không phải ngày"),
        (None, "Bắt buộc"),
    ],
)
def test_bad_years_are_cell_errors(raw, message):
    with pytest.raises(CellError, match=message):
        rules.parse_cell(REVIEW_SHAPE.column("year"), raw)


def test_grades_accept_labels_short_forms_and_codes_with_or_without_diacritics():
    grade = REVIEW_SHAPE.column("grade")
    for raw in ("Hoàn thành xuất sắc nhiệm vụ", "hoan thanh xuat sac", "HTXSNV", "htxs"):
        assert rules.parse_cell(grade, raw) == "htxs"
    assert rules.parse_cell(grade, "Hoàn thành tốt") == "htt"
    assert rules.parse_cell(grade, " hoàn  thành ") == "ht"
    assert rules.parse_cell(grade, "Khong hoan thanh nhiem vu") == "kht"
    assert rules.parse_cell(grade, "") == ""
    with pytest.raises(CellError, match="không có trong danh mục .Hoàn thành xuất sắc"):
        rules.parse_cell(grade, "Giỏi")
    exemption = REVIEW_SHAPE.column("exemption")
    assert rules.parse_cell(exemption, "dinh chi sinh hoat") == "suspended"
    assert rules.parse_cell(exemption, "Vào Đảng chưa đủ 6 tháng") == "recent"


def test_identity_problems_are_the_member_rules():
    today = date(2026, 1, 1)
    data = dict(
        full_name="A",
        birth_date=date(2000, 1, 1),
        admitted_on=date(2015, 1, 1),
        ceremony_on=None,
        official_on=None,
        id_number="123",
    )
    problems = rules.member_identity_problems(data, today)
    assert problems["admitted_on"] == "Ngày vào Đảng phải khi đã đủ 18 tuổi."
    assert problems["id_number"] == "Số định danh cá nhân phải gồm đúng 12 chữ số."


# ---------------------------------------------------------------- fuzzing

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.binary(max_size=50),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(min_value=timedelta(days=-1000), max_value=timedelta(days=1000)),
    st.lists(st.integers(), max_size=2),
    st.decimals(allow_nan=True),
)
ALL_COLUMNS = tuple(c for shape in rules.SHAPES.values() for c in shape.columns)


@settings(max_examples=600, deadline=None)
@given(column=st.sampled_from(ALL_COLUMNS), raw=cells)
def test_fuzz_any_cell_is_a_value_or_a_cell_error(column, raw):
    try:
        value = rules.parse_cell(column, raw)
    except CellError as error:
        assert error.message and isinstance(error.message, str)
    else:
        assert value is None or isinstance(value, str | int | date | Decimal)  # scores: Decimal


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(cells, max_size=20), max_size=12),
    shape=st.sampled_from(list(rules.SHAPES.values())),
)
def test_fuzz_rows_become_row_errors_never_a_crash(rows, shape):
    headers = [c.label for c in shape.columns]
    sheet = pipeline.Sheet("x", headers, ((n, tuple(r)) for n, r in enumerate(rows, 2)), 0)
    mapping = rules.auto_mapping(headers, shape)
    for plan in pipeline._parse_rows(sheet, mapping, shape, None):
        for field, message in plan.errors:
            assert field in mapping.values() and message


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=400),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1258", "latin-1", "utf-8-sig"]),
)
def test_fuzz_csv_in_any_encoding(text, encoding):
    import io

    from dangbo.core.errors import DomainError

    raw = text.encode(encoding, errors="replace")
    try:
        sheet = pipeline.open_sheet(io.BytesIO(raw), "tep.csv")
    except DomainError:
        return
    mapping = rules.auto_mapping(sheet.headers, MEMBER_SHAPE)
    for plan in pipeline._parse_rows(sheet, mapping, MEMBER_SHAPE, None):
        assert all(message for _f, message in plan.errors)


def _xlsx_with(rows) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.append([c.label for c in MEMBER_SHAPE.columns])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


xlsx_cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=100),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.times(),
)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.lists(xlsx_cells, max_size=20), max_size=8))
def test_fuzz_real_xlsx_files_read_back_as_row_errors(rows):
    """Random cells written by openpyxl, read by the importer's reader (calamine)."""
    import io

    sheet = pipeline.open_sheet(io.BytesIO(_xlsx_with(rows)), "tep.xlsx")
    mapping = rules.auto_mapping(sheet.headers, MEMBER_SHAPE)
    assert list(mapping.values()) == [c.field for c in MEMBER_SHAPE.columns]
    for plan in pipeline._parse_rows(sheet, mapping, MEMBER_SHAPE, None):
        assert plan.row >= 2
        assert all(field in mapping.values() and message for field, message in plan.errors)


@settings(max_examples=60, deadline=None)
@given(raw=st.binary(max_size=2000), cut=st.integers(min_value=0, max_value=4000))
def test_fuzz_damaged_files_are_a_domain_error(raw, cut):
    """Random bytes, and a real workbook cut short: a Vietnamese error, never a crash."""
    import io

    from dangbo.core.errors import DomainError

    for content in (raw, _xlsx_with([["x"]])[:cut], b"PK\x03\x04" + raw):
        try:
            pipeline.open_sheet(io.BytesIO(content), "tep.xlsx")
        except DomainError as error:
            assert error.field == "file" and error.message


@pytest.mark.parametrize("raw", ["¹", "²³", "١٢"])
def test_non_ascii_digits_are_a_cell_error_not_a_crash(raw):
    """'¹'.isdigit() is True but int('¹') fails: the fuzz test found it once."""
    with pytest.raises(CellError):
        rules.parse_count(raw)
    assert rules.ascii_int(raw, 6) is None


def test_a_mapping_key_with_non_ascii_digits_is_refused():
    from dangbo.core.errors import DomainError
    from dangbo.imports.services import parse_mapping

    with pytest.raises(DomainError, match="số thứ tự cột"):
        parse_mapping({"¹": "full_name"})
    assert parse_mapping({"2": "full_name", "3": ""}) == {2: "full_name"}


def test_identity_conflicts_ignore_accents_and_case_but_not_another_person():
    stored = {"full_name": "Nguyễn Thị Hoa", "birth_date": date(1985, 3, 15)}
    same = {"full_name": "nguyen thi  HOA", "birth_date": date(1985, 3, 15)}
    assert rules.identity_conflicts(same, stored) == []
    assert rules.identity_conflicts({"full_name": "", "birth_date": None}, stored) == []
    other = {"full_name": "Trần Văn Nam", "birth_date": date(1990, 1, 1)}
    assert rules.identity_conflicts(other, stored) == ["full_name", "birth_date"]
    assert rules.identity_conflicts({"birth_date": date(1985, 3, 16)}, stored) == ["birth_date"]
