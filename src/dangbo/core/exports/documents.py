"""Word documents (`DocumentWriter`, `new_document`) and charts (`pyplot`)."""

import io
from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from dangbo.core import paper as layout
from dangbo.core.exports.text import clean_text
from dangbo.core.paper import paper_for

# ---------------------------------------------------------------- documents


class DocumentWriter:
    """A Word document (python-docx) written through cleaned text, on the party's paper: A4,
    the guidance's margins and Times New Roman, the letterhead of `paper` (None: none) first,
    its title, and its signing block and recipients added once when the document is written
    out. `document` is the python-docx Document for layout the methods do not cover; text put
    there directly must go through `clean_text`."""

    ALIGN = {"left": 0, "center": 1, "right": 2, "justify": 3}

    def __init__(self, paper=None):
        from docx import Document

        self.document = Document()
        self.paper = paper
        self._signed = False
        self._page()
        if paper is not None:
            self.letterhead(paper)

    # -------------------------------------------------------- page and letterhead

    def _page(self) -> None:
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt, RGBColor

        for section in self.document.sections:
            section.page_width, section.page_height = (Mm(n) for n in layout.PAGE_A4_MM)
            section.top_margin = Mm(layout.MARGINS_MM["top"])
            section.bottom_margin = Mm(layout.MARGINS_MM["bottom"])
            section.left_margin = Mm(layout.MARGINS_MM["left"])
            section.right_margin = Mm(layout.MARGINS_MM["right"])
        styles = self.document.styles
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
            try:
                style = styles[name]
            except KeyError:
                continue
            style.font.name = layout.FONT
            fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
            for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attribute), layout.FONT)
            if name == "Normal":
                style.font.size = Pt(layout.BODY_PT)
            elif name.startswith("Heading") or name == "Title":
                style.font.color.rgb = RGBColor(0, 0, 0)
                style.font.size = Pt(layout.TITLE_PT if name != "Heading 3" else layout.BODY_PT)

    @property
    def text_width_mm(self) -> float:
        return layout.PAGE_A4_MM[0] - layout.MARGINS_MM["left"] - layout.MARGINS_MM["right"]

    def _block(self, left, right, left_mm: float):
        """A two-column table without borders: (text, style) lines left and right."""
        from docx.shared import Mm

        table = self.document.add_table(rows=1, cols=2)
        table.autofit = False
        widths = (Mm(left_mm), Mm(self.text_width_mm - left_mm))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid LibreOffice lays out by
        for target, width, lines in zip(table.rows[0].cells, widths, (left, right), strict=True):
            target.width = width
            first = True
            for text, style in lines:
                paragraph = target.paragraphs[0] if first else target.add_paragraph()
                first = False
                self._styled(paragraph, text, style)
        return table

    def _styled(self, paragraph, text, style: dict):
        from docx.shared import Pt

        self._align(paragraph, style.get("align", "center"))
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.space_before = Pt(0)
        run = paragraph.add_run(self.text(text))
        run.font.size = Pt(style.get("size", layout.HEADER_PT))
        run.bold = style.get("bold") or None
        run.italic = style.get("italic") or None
        run.underline = style.get("underline") or None
        return paragraph

    def letterhead(self, paper) -> None:
        """The header block (left: superior and issuer in capitals, "*", the number; right:
        the party's name underlined, the place and date in italics), then the title."""
        left = []
        for n, line in enumerate(paper.org_lines):
            left.append((line, {"bold": n == len(paper.org_lines) - 1}))
        if left:
            left.append(("*", {}))
        if paper.number:
            left.append((paper.number, {}))
        right = [
            (layout.PARTY_NAME, {"bold": True, "underline": True, "size": layout.PARTY_PT}),
            ("", {}),
        ]
        right.append((layout.date_line(paper.place, paper.on), {"italic": True}))
        self._block(left, right, left_mm=70)
        for n, line in enumerate(paper.title):
            style = {"bold": True, "size": layout.TITLE_PT if n == 0 else layout.BODY_PT}
            paragraph = self.document.add_paragraph()
            self._styled(paragraph, line, style)
            if n == 0:
                from docx.shared import Pt

                paragraph.paragraph_format.space_before = Pt(12)

    def signature(self) -> None:
        """The signing block (right) and the recipients (left), once, at the end."""
        paper = self.paper
        if self._signed or paper is None or not (paper.signing or paper.recipients):
            return
        self._signed = True
        left = []
        if paper.recipients:
            left.append((layout.RECIPIENTS_LABEL, {"bold": True, "italic": True, "align": "left"}))
            left += [
                (f"- {r};", {"size": layout.SMALL_PT, "align": "left"}) for r in paper.recipients
            ]
        right = [(line, {"bold": True}) for line in paper.signing]
        right += [("", {})] * 3 + [(paper.signer, {"bold": True})]
        self.document.add_paragraph()
        self._block(left, right, left_mm=75)

    # -------------------------------------------------------- content

    @staticmethod
    def text(value) -> str:
        return "" if value is None else clean_text(str(value))

    def _align(self, paragraph, align: str | None):
        if align:
            from docx.enum.text import WD_ALIGN_PARAGRAPH

            paragraph.alignment = WD_ALIGN_PARAGRAPH(self.ALIGN[align])
        return paragraph

    def heading(self, text, level: int = 1, *, align: str | None = None):
        return self._align(self.document.add_heading(self.text(text), level=level), align)

    def paragraph(self, text="", style: str | None = None, *, align: str | None = None):
        return self._align(self.document.add_paragraph(self.text(text), style), align)

    def table(self, header=None, rows: Iterable[Iterable] = (), *, style="Table Grid", bold=False):
        """A table with an optional header row (bold if asked; repeated on every page) and the
        rows."""
        from dangbo.core import doctable

        columns = len(header) if header else None
        rows, numbers = doctable.aligned_numbers(rows)  # one count of decimals per column
        if columns is None:
            columns = len(rows[0]) if rows else 1
        table = self.document.add_table(rows=1 if header else 0, cols=columns)
        if style:
            table.style = style
        self._fit(table, header, rows)
        if header:
            for target, value in zip(table.rows[0].cells, header, strict=True):
                target.text = self.text(value)
                for run in target.paragraphs[0].runs:
                    run.bold = bold or None
            _repeat_header(table.rows[0])
        for values, flags in zip(rows, numbers, strict=True):
            cells = self.add_row(table, values)
            for target, number in zip(cells, flags, strict=False):
                if number:
                    self._align(target.paragraphs[0], "right")
        return table

    def _fit(self, table, header, rows) -> None:
        """Column widths from the content (no header word broken); a table too wide for the
        portrait page turns the page to landscape."""
        from docx.enum.section import WD_ORIENT
        from docx.shared import Mm

        from dangbo.core import doctable

        texts = [[self.text(v) for v in r] for r in rows]
        widths, landscape = doctable.column_widths(
            [self.text(v) for v in header or []], texts, self.text_width_mm
        )
        section = self.document.sections[-1]
        if landscape and section.orientation != WD_ORIENT.LANDSCAPE:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Mm(width)  # the grid: rows added later take it
            for target in column.cells:
                target.width = Mm(width)

    def add_row(self, table, values: Iterable):
        cells = table.add_row().cells
        # a shorter row leaves its last cells empty
        for target, value in zip(cells, values, strict=False):
            target.text = self.text(value)
        return cells

    def picture(self, image: bytes, *, width_cm: float):
        from docx.shared import Cm

        return self.document.add_picture(io.BytesIO(image), width=Cm(width_cm))

    def to_bytes(self) -> bytes:
        self.signature()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _repeat_header(row) -> None:
    """Mark a table row as the header repeated at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def new_document(
    *, org=None, on: date | None = None, letterhead: bool = True, paper=None, **parts
) -> DocumentWriter:
    """The one way to start a Word export: on A4 with the party's letterhead of `org` (the
    export's scope; None: the party's name and the date) and, at the end, its signing block
    (`core.paper.paper_for`; `title=`, `number=`, `recipients=` pass on). A ready `paper`
    (decisions) is used as it is; `letterhead=False`: the page layout only."""
    if paper is None and letterhead:
        paper = paper_for(org, on or timezone.localdate(), **parts)
    return DocumentWriter(paper=paper)


# ---------------------------------------------------------------- charts


def pyplot():
    """matplotlib's pyplot for the charts of screens and documents: drawn off-screen, and text
    stays text (a "$" in a name is not read as mathtext, which fails on "$x^$")."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False
    from matplotlib import pyplot as plt

    return plt
