"""The paper of the party's documents: what every printed export and every issued document
shares, after the Party Central Office's guidance on the format of party documents
(Hướng dẫn 36-HD/VPTW, 03/04/2018).

- Pure parts (no database): the header lines of an issuing org (`letterhead_lines`), the
  place-and-date line (`date_line`), the number line (`number_line`), the signing block
  chosen from the issuing org's level (`signing_titles`, read from the dated table
  `SIGNING_EDITIONS`).
- `Paper`: one document's header, title, signing block and recipients. `paper_for(org, on)`
  builds it from an org (duck-typed: `name`, `path`, `org_type.code`, `get_parent()`; core
  imports no domain app) and asks the committees app who signs (`committees.signer` hook).
- Layout: `DOCX_PAGE` (A4, margins, Times New Roman) and `XLSX_PAGE` (A4, margins, fit to
  width); `core.exports` applies them to every Word document and workbook it writes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from dangbo.core import hooks

# ---------------------------------------------------------------- layout (HD 36-HD/VPTW)

MM_PER_INCH = 25.4
PAGE_A4_MM = (210, 297)
# Within the guidance's ranges: top 20–25, bottom 20–25, left 30–35, right 15–20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
FONT = "Times New Roman"
BODY_PT = 13  # 13–14 pt body text
HEADER_PT = 13  # org names in the header block
PARTY_PT = 14  # "ĐẢNG CỘNG SẢN VIỆT NAM"
TITLE_PT = 14
SMALL_PT = 11  # recipients list
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
RECIPIENTS_LABEL = "Nơi nhận:"
# Printable width of A4 in spreadsheet character units (about 1.9 mm each at Calibri 11).
XLSX_PORTRAIT_CHARS = 86
XLSX_MAX_WIDTH = 60


# ---------------------------------------------------------------- signing block: dated table

CELL_LEVELS = frozenset({"cell", "grassroots_cell"})
COMMITTEE_LEVELS = frozenset({"grassroots_committee", "sub_committee"})
UPPER_LEVELS = frozenset({"superior", "province", "central"})

# (in force from, source, {case: (on behalf line, signer's title)}). Cases: "cell" (a cell
# with a cell committee), "cell_no_committee", "committee_standing" (a party committee with a
# standing committee), "committee" (without one), "upper". A deputy signs "K/T BÍ THƯ" above
# "PHÓ BÍ THƯ" (`signing_titles`).
SIGNING_EDITIONS: tuple[tuple[date, str, dict[str, tuple[str, str]]], ...] = (
    (
        date(2018, 4, 3),
        "Hướng dẫn 36-HD/VPTW, mục thể thức chữ ký",
        {
            "cell": ("T/M CHI ỦY", "BÍ THƯ"),
            "cell_no_committee": ("T/M CHI BỘ", "BÍ THƯ"),
            "committee_standing": ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
            "committee": ("T/M ĐẢNG ỦY", "BÍ THƯ"),
            "upper": ("T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
        },
    ),
)
# The issuing body's abbreviation in a document's symbol ("12-QĐ/ĐU").
ISSUER_SYMBOL = {"cell": "CB", "cell_no_committee": "CB", "committee": "ĐU"}
ISSUER_SYMBOL_DEFAULT = "BTV"


def signing_case(level: str, *, has_committee: bool = True, has_standing: bool = False) -> str:
    """The row of the signing table for an org of type `level`."""
    if level in CELL_LEVELS:
        return "cell" if has_committee else "cell_no_committee"
    if level in COMMITTEE_LEVELS:
        return "committee_standing" if has_standing else "committee"
    return "upper"


def signing_titles(
    level: str,
    on: date,
    *,
    has_committee: bool = True,
    has_standing: bool = False,
    deputy: bool = False,
) -> list[str]:
    """The title lines of the signing block of an org of type `level` on `on`: ["T/M CHI ỦY",
    "BÍ THƯ"], with "K/T BÍ THƯ" / "PHÓ BÍ THƯ" when a deputy signs."""
    editions = [e for e in SIGNING_EDITIONS if e[0] <= on] or [SIGNING_EDITIONS[0]]
    table = max(editions, key=lambda e: e[0])[2]
    behalf, title = table[
        signing_case(level, has_committee=has_committee, has_standing=has_standing)
    ]
    if deputy:
        return [behalf, f"K/T {title}", f"PHÓ {title}"]
    return [behalf, title]


def issuer_symbol(level: str, *, has_committee: bool = True, has_standing: bool = False) -> str:
    case = signing_case(level, has_committee=has_committee, has_standing=has_standing)
    if case == "committee_standing":
        return ISSUER_SYMBOL_DEFAULT
    return ISSUER_SYMBOL.get(case, ISSUER_SYMBOL_DEFAULT)


# ---------------------------------------------------------------- header lines


def upper(text: str) -> str:
    """Capitals of Vietnamese text (đ → Đ, the tone marks kept), NFC."""
    return unicodedata.normalize("NFC", text).upper()


def _swap_prefix(name: str, old: str, new: str) -> str:
    if name.lower().startswith(old.lower() + " "):
        return new + name[len(old) :]
    return name


def issuer_name(name: str, level: str) -> str:
    """The issuing body of an org: a party committee issues as "Đảng ủy …", a cell as itself."""
    if level in CELL_LEVELS:
        return name
    return _swap_prefix(name, "Đảng bộ", "Đảng ủy")


def superior_name(name: str) -> str:
    """The superior shown above the issuer: the party organisation ("Đảng bộ …")."""
    return _swap_prefix(name, "Đảng ủy", "Đảng bộ")


def letterhead_lines(name: str, level: str, parent_name: str | None) -> list[str]:
    """The left header's org lines, in capitals: [superior, issuer] (the issuer alone at the top
    of the tree)."""
    lines = [upper(superior_name(parent_name))] if parent_name else []
    return [*lines, upper(issuer_name(name, level))]


def date_line(place: str, on: date) -> str:
    """ "Sông Hồng, ngày 07 tháng 12 năm 2026" (days and months below 10 with a leading 0)."""
    day = f"ngày {on:%d} tháng {on:%m} năm {on.year}"
    return f"{place}, {day}" if place else day


def number_line(number: int | str | None, symbol: str) -> str:
    """ "Số 12-QĐ/ĐU"; without a number yet, a blank to fill in by hand."""
    shown = str(number) if number not in (None, "") else "     "
    return f"Số {shown}-{symbol}" if symbol else f"Số {shown}"


def place_of(root_name: str) -> str:
    """The place of the date line from the province's name ("Đảng bộ tỉnh Sông Hồng" →
    "Sông Hồng") when no `paper.place` parameter names it."""
    words = root_name.split()
    for n, word in enumerate(words):
        if word.lower() in {"tỉnh", "thành", "phố", "huyện", "quận", "xã", "phường"}:
            rest = [w for w in words[n + 1 :] if w.lower() not in {"phố"}]
            if rest:
                return " ".join(rest)
    return ""


# ---------------------------------------------------------------- one document's paper


@dataclass
class Paper:
    """What a printed document carries besides its body."""

    on: date
    org_lines: list[str] = field(default_factory=list)  # left header, capitals
    place: str = ""
    number: str = ""  # "Số 12-QĐ/ĐU"; "" shows no number line (lists, reports)
    title: list[str] = field(default_factory=list)  # title lines (the first in capitals)
    signing: list[str] = field(default_factory=list)  # ["T/M CHI ỦY", "BÍ THƯ"]
    signer: str = ""
    recipients: list[str] = field(default_factory=list)

    @property
    def right_lines(self) -> list[str]:
        return [PARTY_NAME, date_line(self.place, self.on)]

    @property
    def neutral(self) -> bool:
        return not self.org_lines


def neutral_paper(on: date) -> Paper:
    """The header of a file without an issuing org: the party's name and the date."""
    return Paper(on=on)


def _level(org) -> str:
    org_type = getattr(org, "org_type", None)
    return getattr(org_type, "code", "") or ""


def _parent(org):
    try:
        if getattr(org, "depth", 1) <= 1:
            return None
        return type(org).objects.get_parent(org)  # treebeard's manager
    except Exception:  # a detached or unsaved org: no superior line
        return None


def _root_name(org) -> str:
    node = org
    for _ in range(20):
        parent = _parent(node)
        if parent is None:
            return node.name
        node = parent
    return node.name


def paper_for(org, on: date, *, title=(), number: str = "", recipients=()) -> Paper:
    """The paper of a document issued by `org` on `on` (None: the neutral header)."""
    if org is None:
        return Paper(on=on, title=list(title), number=number, recipients=list(recipients))
    from dangbo.core.models import RuleParameter

    level = _level(org)
    parent = _parent(org)
    signer = hooks.call("committees.signer", org=org, on=on) or {}
    place = RuleParameter.value_on("paper.place", on, getattr(org, "path", ""), None)
    if place is None:
        place = place_of(_root_name(org))
    return Paper(
        on=on,
        org_lines=letterhead_lines(org.name, level, parent.name if parent else None),
        place=place,
        number=number,
        title=list(title),
        signing=signing_titles(
            level,
            on,
            has_committee=signer.get("has_committee", True),
            has_standing=signer.get("has_standing", False),
            deputy=signer.get("deputy", False),
        ),
        signer=signer.get("name", ""),
        recipients=list(recipients),
    )


def org_symbol(org, on: date) -> str:
    """The issuer's abbreviation in document symbols ("CB", "ĐU", "BTV")."""
    signer = hooks.call("committees.signer", org=org, on=on) or {}
    return issuer_symbol(
        _level(org),
        has_committee=signer.get("has_committee", True),
        has_standing=signer.get("has_standing", False),
    )


# ---------------------------------------------------------------- spreadsheet widths


def text_width(text: str) -> float:
    """Width of `text` in spreadsheet character units: Vietnamese letters with their marks
    count as one (NFC), capitals wider, digits narrower."""
    width = 0.0
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char):
            continue
        if char.isupper():
            width += 1.25
        elif char.isdigit() or char in " .,:;/-()'":
            width += 0.9
        else:
            width += 1.05
    return width


def column_width(values) -> float:
    """A column's width from its values: the longest line plus padding, within bounds."""
    longest = 0.0
    for value in values:
        if value is None:
            continue
        if isinstance(value, date):
            text = "00/00/0000"
        elif isinstance(value, float):
            text = f"{value:,.2f}"
        else:
            text = str(value)
        for line in text.splitlines() or [""]:
            longest = max(longest, text_width(line))
    return round(min(max(longest + 2.5, 6.0), XLSX_MAX_WIDTH), 1)
