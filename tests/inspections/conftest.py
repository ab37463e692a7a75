from datetime import date

import pytest

from dangbo.inspections import services
from tests import factories


def plan(**overrides):
    data = dict(
        kind="inspection",
        mode="regular",
        content="Kiểm tra việc chấp hành Điều lệ Đảng",
        planned_quarter=2,
        planned_start=date(2025, 4, 10),
        planned_end=date(2025, 5, 10),
        team="Đồng chí Trần Văn Kiểm",
        responsible="Ủy ban Kiểm tra Đảng ủy Khối",
    )
    data.update(overrides)
    return services.Plan(**data)


@pytest.fixture
def programme(tree):
    return services.create_programme(
        organization=tree["bloc"],
        body="inspection_committee",
        year=2025,
        title="Chương trình kiểm tra, giám sát năm 2025",
        approved_on=date(2025, 1, 10),
        decision_number="05-CTr/UBKT",
    )


@pytest.fixture
def inspection(programme, tree):
    return services.plan_inspection(programme, plan(), target_org=tree["committee"])


@pytest.fixture
def started(inspection):
    return services.start_inspection(
        inspection,
        decision_number="12-QĐ/UBKT",
        decision_date=date(2025, 4, 8),
        started_on=date(2025, 4, 10),
        team="Trần Văn Kiểm (trưởng đoàn), Lê Thị Sát",
    )


@pytest.fixture
def concluded(started):
    return services.conclude_inspection(
        started,
        concluded_on=date(2025, 5, 12),
        violations_found=True,
        conclusion="Chưa thực hiện đúng chế độ sinh hoạt chi bộ.",
        recommendations="Chấn chỉnh sinh hoạt chi bộ.",
        remedies=[
            ("Tổ chức lại sinh hoạt chuyên đề", "Bí thư Đảng bộ Sở Tư pháp", date(2025, 8, 30)),
            ("Bổ sung biên bản", "Văn phòng Đảng ủy", date(2099, 1, 1)),
        ],
    )


@pytest.fixture
def officer(tree):
    """An inspection officer on the bloc (the committee owning the programme)."""
    return factories.user("kiemtra", role_code="inspection_officer", on=tree["bloc"])


@pytest.fixture
def outsider(tree):
    return factories.user("xa", role_code="inspection_officer", on=tree["commune"])
