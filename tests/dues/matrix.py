"""Permission-matrix declarations for the dues app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/dues/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "dues:*": PENDING,
    "dues-*": PENDING,
}
