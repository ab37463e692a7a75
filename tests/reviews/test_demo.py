"""The seeds' figures (DOMAIN.md) come out of the data: shares computed from stored results."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.text import normalize
from dangbo.demo import reviews as demo
from dangbo.members.models import Member
from dangbo.reviews import services
from dangbo.reviews.models import Confirmation, ReviewYear
from tests import factories


@given(st.integers(0, 5000), st.sampled_from(list(demo.SEED_SHARES.values())))
def test_allocate_sums_to_n_and_is_closest(n, shares):
    counts = demo.allocate(n, shares[0])
    assert sum(counts.values()) == n
    for grade, percent in zip(("htxs", "htt", "ht"), shares[0], strict=True):
        assert abs(counts[grade] - n * Decimal(str(percent)) / 100) < 1


def test_seed_history_reproduces_the_seed_figures(db):
    province = factories.org("Đảng bộ tỉnh Mẫu", "province", effective=date(2000, 1, 1))
    superior = factories.org("Đảng ủy Khối Mẫu", "superior", province)
    grassroots = [
        factories.org(f"Chi bộ cơ sở số {i}", "grassroots_cell", superior) for i in range(87)
    ]
    rows = []
    for i in range(1000):
        org = grassroots[i % 87]
        name = f"Đảng viên {i}"
        rows.append(
            Member(
                full_name=name,
                name_search=normalize(name),
                gender="M",
                birth_date=date(1980, 1, 1),
                admitted_on=date(2005, 1, 1),
                official_on=date(2006, 1, 1),
                status="official",
                status_since=date(2006, 1, 1),
                organization=org,
                org_path=org.path,
            )
        )
    Member.objects.bulk_create(rows)
    demo.seed_history(province, seed=3)

    years = {r.year: r for r in services.shares(province.path)}
    assert sorted(years) == [2021, 2022, 2023, 2024, 2025, 2026]
    y2022 = years[2022]
    assert y2022.grassroots_shares["good_or_better"] == Decimal("91.95")
    assert y2022.grassroots_shares["htxs"] > 20
    assert y2022.member_shares["good_or_better"] > 89 and y2022.member_shares["htxs"] > 15
    closed = [years[y] for y in range(2021, 2026)]
    averages = services.averages(closed)
    assert averages["htxs"] == Decimal("14.40") and averages["htt"] == Decimal("81.30")
    # the quota held in every confirming committee, every year
    for c in Confirmation.objects.all():
        assert c.excellent_count <= c.quota_limit
    assert ReviewYear.objects.get(year=2026).state == "open"
