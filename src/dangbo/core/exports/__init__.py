"""Everything that leaves the system passes here: the spreadsheet, document and CSV writers,
the rule for personal ID numbers that screens, the API and files share, and the logged
responses. Apps never import openpyxl's Workbook, python-docx's Document or csv writers
themselves (`tests/core/test_outputs.py` fails if they do).

- Text. `clean_text` drops the characters XML cannot hold (control characters), so no export
  ever fails on a name pasted from elsewhere. `is_formula_like` spots text a spreadsheet would
  run as a formula (OWASP "CSV injection", ASVS 1.2.10: a leading =, +, -, @, tab, CR or LF,
  their full-width forms, also behind leading spaces).
- Spreadsheets. `new_workbook()`: every string written to its sheets is cleaned and stored as a
  text cell, never a formula; formula-like text also gets Excel's "quote prefix" (what Excel
  stores when one types '=…): shown as typed, still text when edited, read back without an
  apostrophe, so an exported file imports back unchanged. Styled cells: `cell(sheet, value)`.
- CSV. `csv_bytes(rows)`: formula-like fields get a leading apostrophe (OWASP).
- Documents. `DocumentWriter`: headings, paragraphs and tables with cleaned text.
- ID numbers. `IdentityMask(user)`: a number in full only on members of orgs where the user
  holds `members.view_identity`, otherwise its last 3 digits (`core.text.mask_id_number`).
- Responses. `xlsx_response`, `docx_response`, `csv_response`, `file_response`,
  `stored_file_response`: an attachment, recorded in the access log first.

The package splits these by responsibility (`text`, `cells`, `sheets`, `sheet_layout`,
`documents`, `responses`); every name is re-exported here.
"""

from dangbo.core.exports.cells import DATE_FORMAT, cell
from dangbo.core.exports.documents import DocumentWriter, new_document, pyplot
from dangbo.core.exports.responses import (
    csv_bytes,
    csv_response,
    docx_response,
    file_response,
    stored_file_response,
    xlsx_response,
)
from dangbo.core.exports.sheet_layout import BUFFER_ROWS
from dangbo.core.exports.sheets import SafeWorkbook, new_workbook, save_workbook, workbook_bytes
from dangbo.core.exports.text import (
    CSV,
    DOCX,
    FORMULA_STARTS,
    IDENTITY_PERMISSION,
    XLSX,
    IdentityMask,
    clean_text,
    csv_value,
    is_formula_like,
)

__all__ = [
    "XLSX",
    "DOCX",
    "CSV",
    "FORMULA_STARTS",
    "clean_text",
    "is_formula_like",
    "csv_value",
    "IDENTITY_PERMISSION",
    "IdentityMask",
    "DATE_FORMAT",
    "cell",
    "BUFFER_ROWS",
    "SafeWorkbook",
    "new_workbook",
    "workbook_bytes",
    "save_workbook",
    "DocumentWriter",
    "new_document",
    "pyplot",
    "csv_bytes",
    "file_response",
    "xlsx_response",
    "docx_response",
    "csv_response",
    "stored_file_response",
]
