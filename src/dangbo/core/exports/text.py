"""Text of every output: media types, cleaning, formula-like text, CSV values, ID-number mask."""

import re

from dangbo.core.permissions import reachable_paths
from dangbo.core.text import mask_id_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"

# ---------------------------------------------------------------- text

# Not allowed in XML 1.0 (so in XLSX and DOCX): C0 controls but tab, LF, CR; lone surrogates;
# U+FFFE/U+FFFF. openpyxl refuses them outright, lxml (python-docx) too.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What makes a spreadsheet read a cell as a formula: OWASP's list, and the full-width forms
# that CJK input methods type and some Excel versions take as their ASCII twins.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
_LEADING_SPACES = " \u00a0\u3000"


def clean_text(text: str) -> str:
    """The text without the characters an XLSX or DOCX file cannot hold."""
    return _NOT_XML.sub("", text)


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet take this text for a formula (or the start of one)?"""
    if not text:
        return False
    if text[0] in FORMULA_STARTS:
        return True
    stripped = text.lstrip(_LEADING_SPACES)
    return stripped != text and bool(stripped) and stripped[0] in FORMULA_STARTS


def csv_value(value):
    """A CSV field: text cleaned, formula-like text behind an apostrophe; other values as they
    are (numbers stay numbers)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return f"'{text}" if is_formula_like(text) else text


# ---------------------------------------------------------------- ID numbers

IDENTITY_PERMISSION = "members.view_identity"
_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")


class IdentityMask:
    """Personal ID numbers as `user` may see them — the one rule for screens, API and files:
    in full on members of orgs where the user holds `members.view_identity`, otherwise masked
    to the last 3 digits. Build one per request or file (it reads the user's reach once)."""

    def __init__(self, user):
        self.paths = reachable_paths(user, IDENTITY_PERMISSION)

    def shows(self, org_path: str | None) -> bool:
        """Does the user see ID numbers in full on the node at `org_path`?"""
        if self.paths is None:
            return True
        return bool(org_path) and any(org_path.startswith(p) for p in self.paths)

    @property
    def anywhere(self) -> bool:
        """Does the user see some ID numbers in full somewhere?"""
        return self.paths is None or bool(self.paths)

    def __call__(self, number: str | None, org_path: str | None) -> str:
        """`number` (of a person placed at `org_path`) as the user may see it."""
        if not number:
            return ""
        return number if self.shows(org_path) else mask_id_number(number)

    def in_text(self, text: str, org_path: str | None) -> str:
        """`text` (a message, a report line) with the ID numbers in it shown as the user may."""
        if not text or self.shows(org_path):
            return text
        return _ID_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
