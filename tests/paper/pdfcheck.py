"""Reading rendered PDFs back with poppler (pdfinfo, pdftotext): pages, page sizes, the words
and where they lie. The render tests skip, with the reason, where LibreOffice or poppler is
not installed (`make test` installs both: deploy/test-deps.sh)."""

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from dangbo.core import pdf

MISSING = [name for name in ("pdftotext", "pdfinfo") if shutil.which(name) is None]
needs_soffice = pytest.mark.skipif(
    not pdf.available() or bool(MISSING),
    reason="LibreOffice (soffice) or poppler-utils (pdftotext, pdfinfo) not installed: "
    "deploy/test-deps.sh installs them",
)


def render(test):
    """A render test: marked `paper`, in one xdist group (one worker: no two LibreOffice runs
    compete for the 2 cores), skipped where LibreOffice or poppler is missing."""
    return pytest.mark.paper(pytest.mark.xdist_group("paper")(needs_soffice(test)))


A4_PT = (595.3, 841.9)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
)


@dataclass
class Page:
    width: float
    height: float
    words: list[tuple[float, float, float, float, str]]

    @property
    def a4(self) -> bool:
        size = sorted((self.width, self.height))
        return abs(size[0] - A4_PT[0]) < 3 and abs(size[1] - A4_PT[1]) < 3

    def outside(self) -> list[str]:
        """Words (partly) off the page."""
        return [
            w[4]
            for w in self.words
            if w[0] < -0.5 or w[2] > self.width + 0.5 or w[1] < -0.5 or w[3] > self.height + 0.5
        ]


@dataclass
class Rendered:
    pages: list[Page]
    text: str

    @property
    def flat(self) -> str:
        """The text with its line breaks and runs of spaces made single spaces."""
        return " ".join(self.text.split())


def read(data: bytes) -> Rendered:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "f.pdf"
        path.write_bytes(data)
        boxes = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
    pages = []
    for chunk in boxes.split("<page ")[1:]:
        size = _PAGE.search("<page " + chunk)
        words = [
            (float(a), float(b), float(c), float(d), html.unescape(w))
            for a, b, c, d, w in _WORD.findall(chunk)
        ]
        pages.append(Page(float(size[1]), float(size[2]), words))
    return Rendered(pages, text)


PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


def check_paper(name: str, rendered: Rendered, expected=(), *, max_pages: int = 20) -> None:
    """A4 pages, nothing off the page, the party's name on one line (capitals with their
    marks) and the expected texts."""
    assert 1 <= len(rendered.pages) <= max_pages, (name, len(rendered.pages))
    for number, page in enumerate(rendered.pages, start=1):
        assert page.a4, (name, number, page.width, page.height)
        assert not page.outside(), (name, number, page.outside()[:10])
    flat = rendered.flat
    for text in (PARTY, *expected):
        assert " ".join(text.split()) in flat, (name, text, flat[:600])
