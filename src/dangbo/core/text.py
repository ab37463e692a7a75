"""Vietnamese text helpers: search keys without diacritics, ID masking."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


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
