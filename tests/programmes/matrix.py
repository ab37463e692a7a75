"""Permission-matrix declarations for the programmes app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/programmes/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "programmes:*": PENDING,
    "programme-*": PENDING,
    "document-*": PENDING,
    "task-*": PENDING,
    "commitment-*": PENDING,
}
