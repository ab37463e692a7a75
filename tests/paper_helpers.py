"""Reading exports back without their paper: the letterhead above the table and the signing
block under it (dangbo.core.paper) are dropped, the rows the app wrote are left."""

from dangbo.core.paper import PARTY_NAME


def _blank(row) -> bool:
    return all(value in (None, "") for value in row)


def own_rows(sheet) -> list[tuple]:
    """The values of the rows the app wrote on `sheet` (openpyxl, normal or read-only)."""
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    party = next((n for n, row in enumerate(rows[:10]) if PARTY_NAME in row), None)
    if party is not None:
        start = next(n for n in range(party, len(rows)) if _blank(rows[n]))
        rows = rows[start + 1 :]
    signing = next(
        (
            n
            for n in range(len(rows) - 1, -1, -1)
            if any(isinstance(v, str) and v.startswith("T/M ") for v in rows[n])
        ),
        None,
    )
    if signing is not None:
        rows = rows[: signing - 1]
    return rows


def paper_offset(sheet) -> int:
    """How many rows the letterhead put above the app's first row."""
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True, max_row=20)]
    party = next((n for n, row in enumerate(rows) if PARTY_NAME in row), None)
    if party is None:
        return 0
    return next(n for n in range(party, len(rows)) if _blank(rows[n])) + 1


def own_tables(document) -> list:
    """The tables the app wrote in a python-docx `document`: without the letterhead and the
    signing block (borderless two-column tables of core.exports)."""
    tables = list(document.tables)
    if tables and any(PARTY_NAME in c.text for c in tables[0].rows[0].cells):
        tables = tables[1:]
    if tables and any(
        p.text.startswith("T/M ") for c in tables[-1].rows[0].cells for p in c.paragraphs
    ):
        tables = tables[:-1]
    return tables
