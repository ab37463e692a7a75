from datetime import date

import pytest

from dangbo.programmes import services
from tests import factories


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def programme(tree):
    """A province programme for 2026 with one item cascaded to the bloc and the commune."""
    prog = services.create_programme(
        organization=tree["province"],
        kind="year",
        title="Chương trình công tác năm 2026",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    item = services.add_item(
        programme=prog,
        title="Kết nạp đảng viên mới",
        expected_result="Kết nạp ít nhất 200 đảng viên",
        due_on=date(2026, 12, 15),
    )
    services.cascade_item(item, organizations=[tree["bloc"], tree["commune"]])
    return prog


@pytest.fixture
def officer(tree):
    """A grassroots-committee role on the bloc: programmes.* on the bloc's subtree."""
    return factories.user("khoi", role_code="grassroots_committee", on=tree["bloc"])
