"""Permission-matrix declarations for the admissions app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/admissions/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "admissions:*": PENDING,
    "admission-file-*": PENDING,
    "admission-target-*": PENDING,
}
