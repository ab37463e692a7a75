"""Column recognition (#22): Vietnamese and English headers and their common variants, as a
pure function (hypothesis), and the mapping a user confirmed offered on the next upload."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangbo.core.text import normalize
from dangbo.imports import headers, services
from dangbo.imports.models import SavedMapping
from dangbo.imports.shapes import MEMBER_SHAPE, REVIEW_SHAPE, SHAPES, USER_SHAPE
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes

COMMON = {
    "Họ và tên": "full_name",
    "Họ tên": "full_name",
    "HỌ VÀ TÊN": "full_name",
    "Full name": "full_name",
    "HoTen": "full_name",
    "ho_ten": "full_name",
    "Ngày vào Đảng": "admitted_on",
    "Ngày kết nạp": "admitted_on",
    "NgayKN": "admitted_on",
    "Ngay KN (dd/mm/yyyy)": "admitted_on",
    "Admission date": "admitted_on",
    "Số CCCD": "id_number",
    "CCCD": "id_number",
    "Số định danh": "id_number",
    "Số CCCD/CMND": "id_number",
    "National ID": "id_number",
    "Ngày sinh": "birth_date",
    "NgaySinh": "birth_date",
    "Date of birth": "birth_date",
    "DOB": "birth_date",
    "Giới tính": "gender",
    "Nam/Nữ": "gender",
    "Gender": "gender",
    "Ngày chính thức": "official_on",
    "Ngày công nhận chính thức": "official_on",
    "Trình độ LLCT": "theory_level",
    "Quê quán": "place_of_origin",
    "Dân tộc": "ethnicity",
    "Chi bộ sinh hoạt": "organization",
}


@pytest.mark.parametrize("header, field", COMMON.items())
def test_common_member_headers(header, field):
    assert headers.auto_mapping([header], MEMBER_SHAPE) == {0: field}


def test_unknown_headers_stay_unmapped():
    assert headers.auto_mapping(["STT", "Ghi chú", "", None, 12.5], MEMBER_SHAPE) == {}


def _strip_accents(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


@st.composite
def spelled(draw, text: str):
    """One way a person might type a header: case, accents, spacing, marks and remarks."""
    if draw(st.booleans()):
        text = _strip_accents(text)
    text = draw(st.sampled_from([text, text.upper(), text.lower(), text.title()]))
    text = draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", " ", " *"]))
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(["  ", "_", " "])))
    if draw(st.booleans()):
        text += " (" + draw(st.sampled_from(["ghi chú", "dd/mm/yyyy", "bắt buộc"])) + ")"
    return text


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_spelling_of_a_known_header_maps_to_its_field(data):
    shape = data.draw(st.sampled_from(list(SHAPES.values())))
    column = data.draw(st.sampled_from(shape.columns))
    header = data.draw(spelled(column.header))
    assert headers.auto_mapping([header], shape) == {0: column.field}


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    noise=st.lists(st.text(max_size=12), max_size=6),
)
def test_mapping_is_one_to_one_and_order_free(data, noise):
    shape = data.draw(st.sampled_from(list(SHAPES.values())))
    known = [c.header for c in shape.columns]
    columns = data.draw(st.permutations(known + noise))
    mapping = headers.auto_mapping(columns, shape)
    fields = list(mapping.values())
    assert len(fields) == len(set(fields))
    assert set(fields) <= {c.field for c in shape.columns}
    assert {c.field for c in shape.columns} <= set(fields)
    for index, name in mapping.items():
        if columns[index] in known:
            assert shape.columns[known.index(columns[index])].field == name


@given(st.text(max_size=40))
def test_header_key_is_plain_and_idempotent(text):
    key = headers.header_key(text)
    assert key == normalize(key)
    assert headers.header_key(key) == key or "(" in text or "[" in text or "*" in text


def test_remembered_choice_wins_over_recognition():
    remembered = {"ngay sinh": "", "cot la": "workplace"}
    mapping = headers.auto_mapping(["Ngày sinh", "Cột lạ", "Họ tên"], MEMBER_SHAPE, remembered)
    assert mapping == {1: "workplace", 2: "full_name"}
    assert headers.auto_mapping(["Họ tên"], USER_SHAPE) == {0: "full_name"}
    assert headers.auto_mapping(["Năm"], REVIEW_SHAPE) == {0: "year"}


def test_confirmed_mapping_is_offered_next_time(tree, officer, run_import):
    odd = [*MEMBER_HEADERS[:-1], "Nơi SH"]  # «Nơi SH»: not recognised
    content = xlsx_bytes(odd, [member_row("Lê Văn Mới", id_number="012345678901")])
    job = services.start_import(
        user=officer, root=tree["bloc"], kind="members", uploaded=upload(content)
    )
    last = len(odd) - 1
    assert last not in services.job_mapping(job)
    services.set_mapping(job, {**services.job_mapping(job), last: "organization"}, user=officer)
    saved = SavedMapping.objects.get(user=officer, kind="members")
    assert saved.columns == {"noi sh": "organization"}
    again = services.start_import(
        user=officer, root=tree["bloc"], kind="members", uploaded=upload(content)
    )
    assert services.job_mapping(again)[last] == "organization"
    other = services.start_import(
        user=officer, root=tree["bloc"], kind="reviews", uploaded=upload(content)
    )
    assert services.job_mapping(other).get(last) != "organization"  # per kind
