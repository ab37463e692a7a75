"""Permission-matrix declarations for the reviews app (see docs/DEVELOPING.md)."""

PENDING = (
    "restriction tested in tests/reviews/ (inside, outside → 404, anonymous); "
    "matrix rows still to be declared"
)
EXEMPT = {
    "reviews:*": PENDING,
    "review-year-*": PENDING,
    "org-review-*": PENDING,
    "member-review-*": PENDING,
}
