"""Word tables of exports (#25): widths from the content, no header broken mid-syllable, one
count of decimals per column with the decimal comma, numbers right-aligned; a table too wide
for portrait turns the page. The rendered check reads the words back from the PDF."""

import io

import pytest
from docx import Document

from dangbo.core import doctable, pdf
from dangbo.core.exports import new_document
from tests.paper.pdfcheck import read, render

HEADER = ["STT", "Tổ chức", "Không", "Nhiệm vụ được giao", "Điểm", "Tỷ lệ"]
ROWS = [
    [1, "Chi bộ Văn phòng", "Không", "Rà soát hồ sơ", "12,1", "87,5%"],
    [2, "Chi bộ Phòng Nghiệp vụ Tổng hợp", "Có", "Hoàn thành", "13,41", "100%"],
    [3, "Chi bộ Thôn Đông", "—", "—", 9.5, "92,25%"],
]


def test_every_column_holds_its_longest_header_word():
    widths, landscape = doctable.column_widths(HEADER, ROWS, 165)
    assert not landscape and abs(sum(widths) - 165) < 0.01
    for title, width in zip(HEADER, widths, strict=True):
        longest = max(doctable._mm(word, bold=True) for word in title.split())
        assert width >= longest + doctable.PADDING_MM - 0.01, title


def test_many_columns_turn_the_page():
    header = [f"Chỉ tiêu thứ {n}" for n in range(14)]
    widths, landscape = doctable.column_widths(header, [["123.456"] * 14], 165)
    assert landscape and sum(widths) <= doctable.LANDSCAPE_TEXT_MM + 0.01


def test_decimals_per_column_with_the_decimal_comma():
    rows, numbers = doctable.aligned_numbers(ROWS)
    assert [r[4] for r in rows] == ["12,10", "13,41", "9,50"]
    assert [r[5] for r in rows] == ["87,50%", "100,00%", "92,25%"]
    assert [r[0] for r in rows] == [1, 2, 3]  # integers as they are (years: "2025")
    assert numbers[0] == [True, False, False, False, True, True]
    assert numbers[2][2:4] == [False, False]  # "—" stays text
    # codes and ID numbers are not numbers
    assert doctable.aligned_numbers([["079200001234"]]) == ([["079200001234"]], [[False]])


def test_docx_table_gets_widths_alignment_and_landscape():
    doc = new_document(title=["BÁO CÁO"])
    doc.table(HEADER, ROWS, bold=True)
    table = Document(io.BytesIO(doc.to_bytes())).tables[1]  # after the letterhead
    grid = [column.width for column in table.columns]
    assert len(set(grid)) > 1  # from the content, not equal shares
    assert table.rows[1].cells[4].text == "12,10"
    assert table.rows[1].cells[4].paragraphs[0].alignment == 2  # right
    wide = new_document()
    wide.table([f"Chỉ tiêu thứ {n}" for n in range(14)], [["1"] * 14])
    section = Document(io.BytesIO(wide.to_bytes())).sections[0]
    assert section.page_width > section.page_height


@render
def test_rendered_headers_keep_their_words():
    doc = new_document(title=["BÁO CÁO THỬ"])
    doc.table(HEADER, ROWS, bold=True)
    result = read(pdf.to_pdf(doc.to_bytes()))
    words = {w[4] for page in result.pages for w in page.words}
    for word in ("Không", "Nhiệm", "được", "giao", "12,10", "13,41"):
        assert word in words, (word, sorted(words))
    assert not {"Khôn", "Nhiệ", "giA"} & words
    assert all(not page.outside() for page in result.pages)


@pytest.mark.parametrize("value", ["1.234,5", "-3", "45%"])
def test_vietnamese_numbers_as_text_are_numbers(value):
    assert doctable._parse(value) is not None
