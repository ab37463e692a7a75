"""Vietnamese text helpers: search keys without diacritics, ID masking."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# C0/C1 controls, DEL and the XML non-characters: invisible, impossible to correct on screen,
# and refused by the XLSX/DOCX writers. Tab and line breaks only in multi-line text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def normalize(text: str | None) -> str:
    """Lower-case, strip diacritics (đ→d) and collapse spaces: 'Đảng ủy  Khối' → 'dang uy khoi'."""
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def clean_spaces(text: str | None) -> str:
    """Trim and collapse inner whitespace; keep the text as typed otherwise (NFC)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def mask_id_number(value: str | None) -> str:
    """Show only the last 3 digits of a personal ID number: '001203004567' → '*********567'."""
    if not value:
        return ""
    return "*" * (len(value) - 3) + value[-3:]


def control_character(text: str, multiline: bool = False) -> str | None:
    """A message naming the first character a text value must not hold, or None."""
    found = (_CONTROL if multiline else _CONTROL_ONE_LINE).search(text)
    if found is None:
        return None
    char = found.group()
    if char in "\t\n\r":
        return "Ô một dòng không được chứa dấu tab hay xuống dòng."
    return (
        f"Có ký tự điều khiển không hiển thị được (U+{ord(char):04X}, ký tự thứ "
        f"{found.start() + 1}); hãy xóa ký tự đó rồi nhập lại."
    )


def vi_percent(value, decimals: int | None = 1) -> str:
    """A share as Vietnamese write it in the system: decimal comma, the sign right after the
    number ("92,9%"; `decimals` None keeps the value's places, trailing zeros dropped)."""
    if value is None:
        return "—"
    if decimals is None:
        from decimal import Decimal

        text = f"{Decimal(str(value)).normalize():f}"
        return f"{vi_number(Decimal(text))}%"
    return f"{vi_number(value, decimals)}%"


def vi_number(value, decimals: int | None = None) -> str:
    """A number as Vietnamese write it: thousands dot, decimal comma ("110.391.900", "92,9").
    `decimals` fixes the places (None: as many as the value has); None shows as "—"."""
    from django.utils import numberformat

    if value is None:
        return "—"
    if decimals is not None and not isinstance(value, int):
        # numberformat cuts the places off; round half up first ("92,96" → "93,0").
        from decimal import ROUND_HALF_UP, Decimal

        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return numberformat.format(
        value,
        decimal_sep=",",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=".",
        force_grouping=True,
        use_l10n=False,
    )
