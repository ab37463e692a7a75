"""Recognising the columns of a province's own sheets: header text → field (#22). Pure.

A header is compared as a key: without diacritics, case, '*', '(…)' remarks and punctuation,
with words glued in CamelCase or by '_' split apart («NgayKN» → «ngay kn»), and also with no
spaces at all («HoTen» = «Họ tên»). Besides each shape's header and aliases, common variants
of every field, Vietnamese and English, are known (VARIANTS). A header naming two things
(«Số CCCD/CMND») matches by its parts when the whole does not.
"""

import re

from dangbo.core.text import clean_spaces, normalize
from dangbo.imports.shapes import Shape

_REMARKS = re.compile(r"\(.*?\)|\[.*?\]|\*")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PUNCTUATION = re.compile(r"[_\-.:;,#№'\"’`]+")
_PARTS = re.compile(r"\s*(?:/|\\|\|| hoac | or )\s*")
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Common ways sheets name a field, across shapes (a shape uses those of its own fields).
VARIANTS: dict[str, tuple[str, ...]] = {
    "id": ("ma he thong", "id", "system id", "ma hs"),
    "full_name": (
        "ho va ten",
        "ho ten",
        "ho ten dang vien",
        "ten dang vien",
        "ho va ten dang vien",
        "ho ten khai sinh",
        "full name",
        "name",
        "ten",
    ),
    "gender": ("gioi tinh", "gt", "nam nu", "nam/nu", "gender", "sex", "phai"),
    "birth_date": (
        "ngay sinh",
        "ngay thang nam sinh",
        "ns",
        "sinh ngay",
        "date of birth",
        "dob",
        "birth date",
        "birthday",
    ),
    "id_number": (
        "so dinh danh ca nhan",
        "so dinh danh",
        "ma dinh danh",
        "so cccd",
        "cccd",
        "so can cuoc",
        "can cuoc cong dan",
        "so can cuoc cong dan",
        "so cmnd",
        "cmnd",
        "id number",
        "national id",
        "citizen id",
    ),
    "place_of_origin": ("que quan", "nguyen quan", "place of origin", "hometown"),
    "ethnicity": ("dan toc", "ethnicity", "ethnic group"),
    "religion": ("ton giao", "religion"),
    "history_number": ("so ly lich", "so ll", "so ly lich dang vien"),
    "education": (
        "giao duc pho thong",
        "trinh do giao duc pho thong",
        "trinh do van hoa",
        "van hoa",
        "hoc van",
        "education",
    ),
    "qualification": ("chuyen mon nghiep vu", "trinh do chuyen mon", "chuyen mon", "qualification"),
    "theory_level": (
        "ly luan chinh tri",
        "trinh do ly luan chinh tri",
        "trinh do llct",
        "llct",
        "political theory",
    ),
    "occupation": ("nghe nghiep", "occupation", "job"),
    "workplace": ("noi lam viec", "don vi cong tac", "co quan", "workplace", "employer"),
    "admitted_on": (
        "ngay vao dang",
        "ngay ket nap",
        "ngay ket nap dang",
        "ngay kn",
        "ngay vao",
        "ngay quyet dinh ket nap",
        "admission date",
        "admitted on",
        "date admitted",
    ),
    "ceremony_on": ("ngay le ket nap", "le ket nap", "ceremony date"),
    "official_on": (
        "ngay chinh thuc",
        "ngay cong nhan chinh thuc",
        "ngay ct",
        "ngay dang vien chinh thuc",
        "official date",
        "official on",
    ),
    "organization": (
        "chi bo",
        "chi bo sinh hoat",
        "noi sinh hoat",
        "to chuc dang",
        "organization",
        "party cell",
    ),
    "year": ("nam", "nam danh gia", "nam xep loai", "year"),
    "grade": ("xep loai", "ket qua xep loai", "muc xep loai", "grade", "rating"),
    "email": ("thu dien tu", "email", "e mail", "mail"),
    "username": ("ten dang nhap", "tai khoan", "username", "user name", "login"),
    "role": ("vai tro", "role"),
}


def header_key(header) -> str:
    """A header as a comparison key: no diacritics, case, '*', '(…)' or punctuation; CamelCase
    and snake_case split into words («NgayKN», «ngay_kn» → «ngay kn»)."""
    text = _header_text(header)
    text = _REMARKS.sub(" ", text)
    text = _CAMEL.sub(" ", text.replace("Đ", "D").replace("đ", "d"))
    return normalize(_PUNCTUATION.sub(" ", text))


def _header_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return ""
    return clean_spaces(_CONTROL.sub(" ", str(raw)))


def _compact(key: str) -> str:
    return _SPACES.sub("", key)


def shape_keys(shape: Shape) -> dict[str, str]:
    """Key → field for one shape: its headers first, then its aliases, then the variants;
    each also without spaces. The first claim on a key wins."""
    keys: dict[str, str] = {}
    for stage in ("header", "alias", "variant"):
        for column in shape.columns:
            if stage == "header":
                texts = (header_key(column.header), column.field.replace("_", " "))
            elif stage == "alias":
                texts = column.aliases
            else:
                texts = VARIANTS.get(column.field, ())
            for text in texts:
                keys.setdefault(text, column.field)
    for key, name in list(keys.items()):
        keys.setdefault(_compact(key), name)
    return keys


def field_for(header, keys: dict[str, str]) -> str | None:
    """The field one header names, or None."""
    key = header_key(header)
    if not key:
        return None
    found = keys.get(key) or keys.get(_compact(key))
    if found:
        return found
    for part in _PARTS.split(key):
        found = keys.get(part) or keys.get(_compact(part))
        if found:
            return found
    return None


def auto_mapping(headers: list, shape: Shape, remembered: dict[str, str] | None = None):
    """Column index → field. A mapping the user confirmed before (header key → field, "" for
    «skip») wins over recognition; no field is given to two columns (the first keeps it)."""
    keys = shape_keys(shape)
    fields = {c.field for c in shape.columns}
    remembered = remembered or {}
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = header_key(header)
        if key in remembered:
            target = remembered[key] if remembered[key] in fields else None
        else:
            target = field_for(header, keys)
        if target and target not in used:
            mapping[index] = target
            used.add(target)
    return mapping
