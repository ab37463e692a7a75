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
