from datetime import date

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests import factories

# A loaded CI machine must not turn slow examples into failures: no per-example deadline.
hypothesis_settings.register_profile(
    "dangbo", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("dangbo")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.AXES_ENABLED = False
    settings.DANGBO_STRICT_HOOKS = True  # a call of an undeclared hook name raises
    # The second factor is tested on its own (tests/core/test_second_factor.py and the
    # browser test); other tests sign in with force_login or the password alone.
    settings.DANGBO_SECOND_FACTOR = False
    # Fast hashing: test users are created by the hundred (the permission matrix).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Serve static files from the finders (no collectstatic manifest in tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def tree(db):
    """province → bloc committee → grassroots committee → two cells; plus a second bloc."""
    province = factories.org("Đảng bộ tỉnh Sông Hồng", "province", effective=date(2000, 1, 1))
    bloc = factories.org("Đảng ủy Khối các cơ quan tỉnh", "superior", province)
    commune = factories.org("Đảng ủy xã Tân Lập", "superior", province)
    committee = factories.org("Đảng bộ Sở Tư pháp", "grassroots_committee", bloc)
    cell_a = factories.org("Chi bộ Văn phòng", "cell", committee)
    cell_b = factories.org("Chi bộ Phòng Nghiệp vụ", "cell", committee)
    village = factories.org("Chi bộ Thôn Đông", "grassroots_cell", commune)
    members_a = [
        factories.member(cell_a, "Nguyễn Văn Bình"),
        factories.member(cell_a, "Trần Thị Hằng", gender="F"),
        factories.member(cell_a, "Lê Đức Anh", official_on=None),
    ]
    members_b = [factories.member(cell_b, "Phạm Quang Dũng")]
    village_members = [factories.member(village, "Đặng Thị Thủy", gender="F")]
    return dict(
        province=province,
        bloc=bloc,
        commune=commune,
        committee=committee,
        cell_a=cell_a,
        cell_b=cell_b,
        village=village,
        members_a=members_a,
        members_b=members_b,
        village_members=village_members,
    )


@pytest.fixture
def admin_user(db):
    return factories.user("quantri", is_superuser=True, is_staff=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _part(nodeid: str) -> str:
    """The part of the suite a test belongs to: its folder under tests/ (browser, api, members…)."""
    parts = nodeid.split("::", 1)[0].split("/")
    return parts[1] if len(parts) > 2 else parts[-1]


def pytest_terminal_summary(terminalreporter):
    """Per-part timings (sum of setup, call and teardown over the part's tests; with xdist the
    workers' reports reach the controller, so the sums cover both workers' time)."""
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            nodeid, duration = getattr(report, "nodeid", ""), getattr(report, "duration", None)
            if not nodeid or duration is None:
                continue
            part = _part(nodeid)
            seconds[part] = seconds.get(part, 0.0) + duration
            if getattr(report, "when", None) == "call":
                counts[part] = counts.get(part, 0) + 1
    if not seconds:
        return
    terminalreporter.write_sep("-", "time per part (test time, summed over workers)")
    for part, total in sorted(seconds.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{part:<16} {counts.get(part, 0):>5} tests {total:>8.1f} s")
    total_tests, total_seconds = sum(counts.values()), sum(seconds.values())
    terminalreporter.write_line(f"{'total':<16} {total_tests:>5} tests {total_seconds:>8.1f} s")


@pytest.fixture
def migration_data(transactional_db):
    """A transactional test's database may have been flushed by another: the rows the data
    migrations wrote (org types, roles, rules) are written again (idempotent). Not
    serialized_rollback: after a flush, its reload collides with the recreated content types."""
    factories.rerun_data_migrations()
