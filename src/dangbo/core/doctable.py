"""How a Word table of an export fits the page (pure functions, no python-docx):

- `column_widths(header, rows, width_mm)`: widths from the content. A column is never
  narrower than the longest word of its header (bold) or of its cells (up to a cap), so no
  header breaks mid-syllable ("Khôn|g", "nhiệ|m vụ"); the rest of the page's width goes to
  the columns whose text is longer. Returns the widths and whether the table needs the page
  turned to landscape (its narrowest layout is wider than the portrait text width).
- `aligned_numbers(rows)`: the numbers of each column with the same count of decimals, in
  the Vietnamese way (thousands dot, decimal comma: "12,10" beside "13,41"), and which cells
  are numbers (right-aligned). Numbers given as text in that way ("12,1", "87,5%") count too.
"""

import re
from decimal import Decimal, InvalidOperation

from dangbo.core import paper as layout
from dangbo.core.text import vi_number

# Millimetres per width unit of `paper.text_width` at 13 pt Times New Roman, with room for a
# wider fallback font (DejaVu Serif where Times is not installed), and per cell padding.
MM_PER_UNIT = 2.9
BOLD = 1.15
PADDING_MM = 5.5
MAX_WORD_MM = 45.0  # a cell's long word (a link, a code) may break beyond this
MAX_COLUMN_MM = 90.0
LANDSCAPE_TEXT_MM = layout.PAGE_A4_MM[1] - layout.MARGINS_MM["left"] - layout.MARGINS_MM["right"]

_VI_NUMBER = re.compile(r"^(-?)(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d+))?(%?)$")


def _mm(text: str, *, bold: bool = False) -> float:
    return layout.text_width(text) * MM_PER_UNIT * (BOLD if bold else 1.0)


def _longest_word(text: str, *, bold: bool = False) -> float:
    return max((_mm(word, bold=bold) for word in text.split()), default=0.0)


def _longest_line(text: str) -> float:
    return max((_mm(line) for line in text.splitlines()), default=0.0)


def column_widths(header, rows, width_mm: float) -> tuple[list[float], bool]:
    """Column widths (mm) for a table of `header` (may be empty) and `rows` (text), and
    whether it must be printed landscape."""
    columns = max([len(header or [])] + [len(r) for r in rows] + [1])
    least, want = [0.0] * columns, [0.0] * columns
    for n in range(columns):
        title = str(header[n]) if header and n < len(header) else ""
        cells = [str(r[n]) for r in rows if n < len(r) and r[n] not in (None, "")]
        word = max([_longest_word(title, bold=True)] + [_longest_word(c) for c in cells])
        least[n] = min(word, MAX_WORD_MM) + PADDING_MM
        line = max([_longest_line(c) for c in cells] + [0.0])
        want[n] = max(least[n], min(line + PADDING_MM, MAX_COLUMN_MM))
    landscape = sum(least) > width_mm
    width = LANDSCAPE_TEXT_MM if landscape else width_mm
    if sum(least) > width:  # even landscape is too narrow: shrink all alike
        return [w * width / sum(least) for w in least], landscape
    if sum(want) <= width:  # room for every line: spread the rest alike
        extra = (width - sum(want)) / columns
        return [w + extra for w in want], landscape
    room = width - sum(least)
    more = [w - m for w, m in zip(want, least, strict=True)]
    return [m + room * x / sum(more) for m, x in zip(least, more, strict=True)], landscape


def _parse(value) -> tuple[Decimal, int, str] | None:
    """(number, decimals shown, suffix) of a number or of text written as one; None if not."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value), 0, ""
    if isinstance(value, float | Decimal):
        number = Decimal(str(value))
        return number, min(max(-number.normalize().as_tuple().exponent, 0), 2), ""
    if not isinstance(value, str):
        return None
    found = _VI_NUMBER.match(value.strip())
    if not found:
        return None
    sign, whole, decimals, suffix = found.groups()
    if whole.startswith("0") and len(whole) > 1:  # a code or ID number, not a number
        return None
    try:
        number = Decimal(f"{sign}{whole.replace('.', '')}.{decimals or '0'}")
    except InvalidOperation:
        return None
    return number, len(decimals or ""), suffix


def aligned_numbers(rows) -> tuple[list[list], list[list[bool]]]:
    """The rows with each column's numbers shown with the column's most decimals (decimal
    comma), and a mask of the cells that are numbers."""
    rows = [list(r) for r in rows]
    parsed = [[_parse(v) for v in r] for r in rows]
    columns = max((len(r) for r in rows), default=0)
    places = [
        max((p[n][1] for p in parsed if n < len(p) and p[n] is not None), default=0)
        for n in range(columns)
    ]
    mask = []
    for row, numbers in zip(rows, parsed, strict=True):
        flags = []
        for n, found in enumerate(numbers):
            flags.append(found is not None)
            if found is None or (isinstance(row[n], str | int) and places[n] == found[1]):
                continue  # text, or a number already shown with the column's decimals
            row[n] = vi_number(found[0], places[n]) + found[2]
        mask.append(flags)
    return rows, mask
