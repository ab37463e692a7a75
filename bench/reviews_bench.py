"""Bench for the review module: a province's classification summary for one year and its
five-year table (the queries behind the overview screen and the shares API).

Usage (a database seeded with `seed_demo --size province` and `seed_reviews`):
    DANGBO_DATABASE_URL=postgres://… .venv/bin/python bench/reviews_bench.py
Prints the median of warm runs in ms and writes bench/results/reviews.json.
"""

import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangbo.settings")

import django  # noqa: E402

django.setup()

from dangbo.organizations.models import Organization  # noqa: E402
from dangbo.reviews import services  # noqa: E402
from dangbo.reviews.models import MemberReview, ReviewYear  # noqa: E402


def timed(fn, runs=7):
    fn()  # warm
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 1)


def main():
    province = Organization.objects.filter(depth=1).order_by("path").first()
    closed = ReviewYear.objects.filter(organization=province, state="closed")
    year = closed.order_by("-year").first()
    children = list(Organization.objects.filter(path__startswith=province.path, depth=2))
    figures = {
        "member_reviews": MemberReview.objects.count(),
        "members_in_year": MemberReview.objects.filter(review_year=year).count(),
        "summary_one_year_ms": timed(lambda: services.shares(province.path, [year.year])),
        "five_year_table_ms": timed(lambda: services.shares(province.path)),
        "progress_by_child_ms": timed(lambda: services.progress_by_child(year, province, children)),
    }
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "reviews.json").write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
