"""Permission-matrix declarations for the reports app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/reports/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "reports:*": PENDING,
}
