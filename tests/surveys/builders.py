"""Builders for survey test data, through the real services."""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from dangbo.programmes import services as programme_services
from dangbo.surveys import services
from dangbo.surveys.models import QuestionKind

_numbers = count(5)


def document(org, number=None):
    number = number or f"{next(_numbers):02d}-KH/TU"
    return programme_services.register_document(
        organization=org,
        doc_type="KH",
        number=number,
        issued_on=date(2025, 1, 10),
        signer="Nguyễn Văn A",
        summary="Đề án nâng cao chất lượng sinh hoạt chi bộ",
    )


def campaign(
    org,
    *,
    anonymous=True,
    title="Khảo sát chất lượng sinh hoạt chi bộ",
    doc=None,
    ends_on=None,
):
    """A campaign from 01/01/2026, still running a year from today unless `ends_on`."""
    return services.create_campaign(
        organization=org,
        title=title,
        purpose="Đánh giá kết quả thực hiện đề án",
        starts_on=date(2026, 1, 1),
        ends_on=ends_on or timezone.localdate() + timedelta(days=365),
        document=doc or document(org),
        anonymous=anonymous,
    )


QUESTIONS = [
    (QuestionKind.SINGLE, "Chi bộ sinh hoạt định kỳ hằng tháng?", ["Có", "Không"]),
    (
        QuestionKind.MULTIPLE,
        "Nội dung nào được cải thiện?",
        ["Tài liệu", "Thảo luận", "Nghị quyết"],
    ),
    (QuestionKind.SCALE, "Chất lượng sinh hoạt chi bộ", []),
    (QuestionKind.TEXT, "Đề xuất của đồng chí", []),
]


def running(
    org,
    *,
    anonymous=True,
    sample=True,
    title="Khảo sát chất lượng sinh hoạt chi bộ",
    ends_on=None,
):
    """A campaign with a sample (hand-picked: the cells under org), groups CU/DV and a
    published version of four questions."""
    c = campaign(org, anonymous=anonymous, title=title, ends_on=ends_on)
    if sample:
        for cell in services.candidate_orgs(c):
            services.add_to_sample(c, organization=cell)
    cu = services.add_group(c, code="CU", name="Cấp ủy viên")
    dv = services.add_group(c, code="DV", name="Đảng viên")
    version = services.new_version(c, title="Phiếu khảo sát")
    for kind, text, options in QUESTIONS:
        services.add_question(version, kind=kind, text=text, options=options)
    version = services.publish_version(version, groups=[cu, dv])
    c.refresh_from_db()
    return c, version, cu, dv
