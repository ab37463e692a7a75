"""Permission-matrix declarations for the transfers app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/transfers/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "transfers:*": PENDING,
    "transfer-*": PENDING,
}
