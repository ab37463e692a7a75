"""Permission-matrix declarations for the training app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/training/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "training:*": PENDING,
    "training-class-*": PENDING,
}
