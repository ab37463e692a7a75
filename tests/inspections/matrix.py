"""Permission-matrix declarations for the inspections app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/inspections/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "inspections:*": PENDING,
    "inspection-*": PENDING,
    "discipline-appeal-*": PENDING,
    "org-discipline-*": PENDING,
}
