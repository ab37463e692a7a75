"""Permission-matrix declarations for the recognition app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/recognition/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "recognition:*": PENDING,
    "badge-*": PENDING,
    "commendation-*": PENDING,
}
