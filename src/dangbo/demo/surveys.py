"""Demo survey campaign like seed 004: a delegation of 10 teams attends the meetings of up to
49 cells of different kinds, sampled at random (recorded seed), and collects questionnaires by
respondent group (from paper and with one-time codes); findings, one turned into a task."""

import random
from datetime import date, timedelta

from django.apps import apps
from django.utils import timezone

from dangbo.organizations.models import Organization
from dangbo.programmes import services as programme_services
from dangbo.surveys import services
from dangbo.surveys.models import FindingKind, QuestionKind

START, END = date(2026, 4, 1), date(2026, 9, 30)


def _collecting_until() -> date:
    """The demo campaign still collects when the demo is seeded (its questionnaires are
    answered with one-time codes, refused once a campaign's period is over)."""
    return max(END, timezone.localdate() + timedelta(days=90))


LEADERS = [
    "Nguyễn Văn Hải",
    "Trần Thị Mai",
    "Lê Quang Vinh",
    "Phạm Thị Thu",
    "Hoàng Minh Đức",
    "Vũ Thị Lan",
    "Đỗ Văn Nam",
    "Bùi Thị Hạnh",
    "Ngô Đức Thắng",
    "Đặng Thị Hoa",
]
QUESTIONS = [
    # kind, text, options, mean of the scale answers (None: choice/text)
    (QuestionKind.SINGLE, "Chi bộ có sinh hoạt thường kỳ đủ 12 kỳ trong năm?", ["Có", "Không"]),
    (QuestionKind.SCALE, "Tài liệu sinh hoạt được gửi trước, đầy đủ", 4.4),
    (QuestionKind.SCALE, "Đảng viên phát biểu, thảo luận sôi nổi", 3.6),
    (QuestionKind.SCALE, "Sinh hoạt chuyên đề có nội dung thiết thực", 2.7),
    (QuestionKind.SCALE, "Nghị quyết của chi bộ được theo dõi thực hiện", 4.1),
    (
        QuestionKind.MULTIPLE,
        "Những việc đề án đã giúp chi bộ làm tốt hơn",
        [
            "Chuẩn bị nội dung",
            "Điều hành buổi họp",
            "Tự phê bình và phê bình",
            "Theo dõi nghị quyết",
        ],
    ),
    (QuestionKind.TEXT, "Đề xuất của đồng chí để nâng cao chất lượng sinh hoạt chi bộ", None),
]
PROPOSALS = [
    "Tăng sinh hoạt chuyên đề gắn với nhiệm vụ chuyên môn.",
    "Gửi tài liệu qua ứng dụng sớm hơn để đảng viên nghiên cứu.",
    "Cấp ủy cấp trên dự sinh hoạt thường xuyên hơn.",
    "",
    "",
]


def _document(root: Organization):
    document_model = apps.get_model("programmes", "Document")
    number = "86-KH/TU"
    existing = document_model.objects.filter(organization=root, number=number).first()
    return existing or programme_services.register_document(
        organization=root,
        doc_type="KH",
        number=number,
        issued_on=date(2025, 3, 15),
        signer="Bí thư Tỉnh ủy",
        summary="Kế hoạch thực hiện đề án nâng cao chất lượng sinh hoạt chi bộ giai đoạn 2025–2030",
    )


def _scale(rng: random.Random, mean: float) -> str:
    return str(min(5, max(1, round(rng.gauss(mean, 0.9)))))


def _cells(rng: random.Random, group_code: str) -> list[str]:
    cells = []
    for kind, _text, extra in QUESTIONS:
        if kind == QuestionKind.SINGLE:
            cells.append("1" if rng.random() < 0.85 else "2")
        elif kind == QuestionKind.SCALE:
            cells.append(_scale(rng, extra + (0.2 if group_code == "CU" else 0)))
        elif kind == QuestionKind.MULTIPLE:
            cells.append(",".join(str(i) for i in range(1, 5) if rng.random() < 0.45) or "1")
        else:
            cells.append(rng.choice(PROPOSALS))
    return cells


def seed_surveys(root: Organization, seed: int) -> None:
    rng = random.Random(seed * 7919 + 4)
    campaign = services.create_campaign(
        organization=root,
        title="Khảo sát đánh giá đề án nâng cao chất lượng sinh hoạt chi bộ",
        purpose="Đánh giá những việc làm được, chưa làm được sau một năm thực hiện đề án; "
        "đề xuất giải pháp cho giai đoạn tiếp theo.",
        starts_on=START,
        ends_on=_collecting_until(),
        document=_document(root),
        anonymous=True,
    )
    sample = services.draw_sample(campaign, size=49, seed=seed * 1000 + 4, stratify=True)
    meeting_model = apps.get_model("meetings", "Meeting")
    teams = [
        services.add_team(
            campaign,
            name=f"Tổ {n}",
            leader_name=leader,
            leader_position="Ủy viên Ban Thường vụ" if n <= 3 else "Tỉnh ủy viên",
            members=[(f"Chuyên viên {n}.{k}", "Ban Tổ chức") for k in (1, 2)],
        )
        for n, leader in enumerate(LEADERS, start=1)
    ]
    for n, sampled in enumerate(sample):
        meeting = (
            meeting_model.objects.filter(
                organization=sampled.organization, planned_on__range=(START, END)
            )
            .order_by("planned_on")
            .first()
        )
        services.schedule_visit(
            teams[n % len(teams)],
            sampled_org=sampled,
            visit_on=meeting.planned_on if meeting else START.replace(day=10 + n % 15),
            mode="online" if n % 9 == 0 else "in_person",
            online_link="https://hop.example.vn/chibo" if n % 9 == 0 else "",
        )
    groups = [
        services.add_group(campaign, code="CU", name="Cấp ủy viên"),
        services.add_group(campaign, code="DV", name="Đảng viên"),
        services.add_group(campaign, code="QC", name="Quần chúng ưu tú"),
    ]
    version = services.new_version(campaign, title="Phiếu khảo sát chất lượng sinh hoạt chi bộ")
    for kind, text, extra in QUESTIONS:
        services.add_question(
            version, kind=kind, text=text, options=extra if isinstance(extra, list) else []
        )
    version = services.publish_version(version, groups=groups)
    rows = []
    for sampled in sample:
        for code, count in (("CU", 2), ("DV", 6), ("QC", 1)):
            rows += [services.PaperRow(code, sampled.pk, _cells(rng, code)) for _ in range(count)]
    services.enter_paper(campaign, version, rows)
    issued = services.issue_codes(campaign, group=groups[1], count=20, sampled_org=sample[0])
    questions = list(version.questions.all())
    for code in issued.codes[:12]:
        cells = _cells(rng, "DV")
        services.answer_with_code(
            code, {q.pk: cell for q, cell in zip(questions, cells, strict=True)}
        )
    services.record_finding(
        campaign,
        kind=FindingKind.WORKED,
        text="Tài liệu sinh hoạt được chuẩn bị, gửi trước đầy đủ; nghị quyết được theo dõi.",
    )
    services.record_finding(
        campaign,
        kind=FindingKind.NOT_WORKED,
        text="Sinh hoạt chuyên đề còn hình thức, chưa gắn với nhiệm vụ của cơ quan, đơn vị.",
    )
    recommendation = services.record_finding(
        campaign,
        kind=FindingKind.RECOMMENDATION,
        text="Mỗi chi bộ xây dựng ít nhất 2 chuyên đề gắn với nhiệm vụ chính trị trong năm 2027.",
    )
    services.finding_to_task(recommendation, assignee_org=root, due_on=date(2027, 12, 31))
