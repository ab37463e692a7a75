"""Permission-matrix declarations for the imports app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/imports/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "imports:*": PENDING,
}
