"""Permission-matrix declarations for the meetings app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/meetings/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "meetings:*": PENDING,
    "meeting-*": PENDING,
}
