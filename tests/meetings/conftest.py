from datetime import date, time
from decimal import Decimal

import pytest

from dangbo.meetings import services


def criteria_set(org, valid_from=date(2020, 1, 1), name="Bộ tiêu chí tỉnh", rows=None):
    rows = rows or [
        ("Chuẩn bị chu đáo, tài liệu gửi trước", Decimal(20), "Đủ tài liệu trước 1 ngày"),
        ("Tỷ lệ đảng viên dự họp", Decimal(30), ""),
        ("Nội dung thiết thực, có nghị quyết", Decimal(50), ""),
    ]
    return services.create_criteria_set(
        organization=org,
        name=name,
        valid_from=valid_from,
        criteria=[services.CriterionInput(*r) for r in rows],
    )


def held_meeting(cell, members, on=date(2026, 3, 10), kind="regular", statuses=None, **kw):
    meeting = services.plan_meeting(
        organization=cell, kind=kind, planned_on=on, topic=kw.pop("topic", "Chủ đề")
    )
    statuses = statuses or {}
    return services.record_meeting(
        meeting,
        held_on=on,
        start=kw.pop("start", time(8, 0)),
        end=kw.pop("end", time(10, 0)),
        chair_id=members[0].pk,
        secretary_id=members[1].pk if len(members) > 1 else members[0].pk,
        attendance=[
            services.AttendanceEntry(m.pk, *statuses.get(m.pk, ("present", ""))) for m in members
        ],
        **kw,
    )


@pytest.fixture
def cset(tree):
    return criteria_set(tree["province"])
