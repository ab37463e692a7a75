from datetime import date

import pytest

from dangbo.committees import services
from tests import factories


@pytest.fixture
def people(tree):
    """Nine more members of the grassroots committee (cell A), for elections."""
    names = [
        "Hoàng Minh Tuấn",
        "Vũ Thị Lan",
        "Đỗ Văn Hải",
        "Bùi Thị Mai",
        "Ngô Quang Vinh",
        "Phan Thị Hoa",
        "Trịnh Văn Long",
        "Lý Thị Thu",
        "Mai Văn Sơn",
    ]
    return [
        factories.member(
            tree["cell_a"],
            name,
            gender="F" if "Thị" in name else "M",
            birth_date=date(1975 + n, 1, 10),
            theory_level="advanced",
        )
        for n, name in enumerate(names)
    ]


@pytest.fixture
def congress(tree):
    return services.record_congress(
        organization=tree["committee"],
        term_name="2020–2025",
        number=5,
        held_on=date(2020, 7, 10),
        delegates_summoned=120,
        delegates_present=118,
    )


@pytest.fixture
def elected(congress, people):
    """Committee of 7 elected, then secretary and a deputy."""
    services.record_election(
        congress,
        body="committee",
        held_on=date(2020, 7, 11),
        seats=7,
        voters=118,
        results=[services.Vote(m, 110 - 5 * n) for n, m in enumerate(people)],
    )
    services.record_election(
        congress,
        body="secretary",
        held_on=date(2020, 7, 11),
        seats=1,
        voters=7,
        results=[services.Vote(people[0], 7)],
    )
    services.record_election(
        congress,
        body="deputy_secretary",
        held_on=date(2020, 7, 11),
        seats=1,
        voters=7,
        results=[services.Vote(people[1], 6)],
    )
    return congress


@pytest.fixture
def officer(tree):
    return factories.user("bantochuc", role_code="org_board_officer", on=tree["bloc"])


@pytest.fixture
def outsider(tree):
    return factories.user("xa", role_code="org_board_officer", on=tree["commune"])
