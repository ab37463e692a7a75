"""Exports: the file list as XLSX, one file's record (all steps) as DOCX, and the paper of
each step (its minutes, resolution or decision) as its own DOCX for printing and signing."""

from django.utils import timezone

from dangbo.admissions.rules import Stage
from dangbo.core.exports import new_document, new_workbook, workbook_bytes
from dangbo.core.text import vi_percent

COLUMNS = [
    ("Họ và tên", lambda f: f.full_name),
    ("Ngày sinh", lambda f: f.birth_date),
    ("Chi bộ", lambda f: f.organization.name),
    ("Bước", lambda f: f.get_stage_display()),
    ("Ngày xác định", lambda f: f.identified_on),
    ("Ngày quyết định kết nạp", lambda f: f.decided_on),
    ("Số quyết định", lambda f: f.decision_number),
    ("Ngày lễ kết nạp", lambda f: f.ceremony_on),
    ("Hạn tiếp theo", lambda f: f.next_deadline),
    ("Việc đến hạn", lambda f: f.next_deadline_label),
]


def files_xlsx(files) -> bytes:
    book = new_workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ kết nạp")
    sheet.append([title for title, _get in COLUMNS])
    for file in files:
        sheet.append([get(file) for _title, get in COLUMNS])
    return workbook_bytes(book)


def _share(share) -> str:
    """A ratio as reported: «87,5%», «112,5% (vượt 12,5%)» (decimal comma)."""
    if share is None:
        return ""
    text = vi_percent(share.share, 1)
    if share.excess is not None:
        text += f" (vượt {vi_percent(share.excess, 1)})"
    return text


def targets_xlsx(org, year: int, as_of, rows) -> bytes:
    """The targets report (year and term) as it is reported upward."""
    book = new_workbook(
        write_only=True,
        org=org,
        title=[f"BÁO CÁO KẾT NẠP ĐẢNG VIÊN SO VỚI CHỈ TIÊU NĂM {year}", org.name],
    )
    sheet = book.create_sheet("Kết nạp so với chỉ tiêu")
    sheet.append(
        [
            "Đã kết nạp: đảng viên có ngày vào Đảng trong kỳ, theo tổ chức nơi kết nạp;"
            f" nhiệm kỳ tính đến ngày kết thúc hoặc ngày {as_of:%d/%m/%Y}."
        ]
    )
    sheet.append(
        [
            "Tổ chức",
            "Quần chúng ưu tú xác định",
            f"Đã kết nạp năm {year}",
            "Chỉ tiêu năm",
            "Đạt chỉ tiêu năm",
            "Nhiệm kỳ",
            "Từ ngày",
            "Đến ngày",
            "Đã kết nạp trong nhiệm kỳ",
            "Chỉ tiêu Đại hội",
            "Đạt chỉ tiêu Đại hội",
        ]
    )
    for row in rows:
        term = row.get("term")
        sheet.append(
            [
                f"{row['org'].name} (toàn đảng bộ)" if row["is_total"] else row["org"].name,
                row["candidates"],
                row["admitted"],
                row["target"],
                _share(row["share"]),
                term.name if term else "",
                row.get("term_from"),
                row.get("term_to"),
                row.get("term_admitted"),
                row.get("term_target"),
                _share(row.get("term_share")),
            ]
        )
    return workbook_bytes(book)


def file_docx(file, steps) -> bytes:
    doc = new_document(org=file.organization)
    doc.heading(f"Hồ sơ kết nạp đảng viên: {file.full_name}", level=1)
    doc.paragraph(
        f"Chi bộ: {file.organization.name}. Ngày sinh: {file.birth_date:%d/%m/%Y}. "
        f"Bước hiện tại: {file.get_stage_display()}."
    )
    if file.next_deadline:
        doc.paragraph(f"Hạn tiếp theo: {file.next_deadline:%d/%m/%Y} — {file.next_deadline_label}.")
    doc.table(
        ["Ngày", "Bước", "Số văn bản", "Minh chứng"],
        (
            [
                f"{step.date:%d/%m/%Y}",
                Stage.LABELS.get(step.stage, step.stage),
                step.decision_number,
                _evidence_text(step),
            ]
            for step in steps
        ),
    )
    return doc.to_bytes()


def _evidence_text(step) -> str:
    e = step.evidence or {}
    parts = []
    if e.get("certificate_number"):
        parts.append(f"Giấy chứng nhận số {e['certificate_number']}")
    for person in e.get("introducers", []):
        parts.append(f"Người giới thiệu: {person['name']}")
    if e.get("youth_union_resolution"):
        parts.append(f"Nghị quyết Đoàn: {e['youth_union_resolution']}")
    if e.get("result"):
        parts.append(f"Thẩm tra: {e['result']}")
    if e.get("eligible"):
        parts.append(f"Biểu quyết {e['votes_for']}/{e['eligible']}")
    if step.exception:
        parts.append(f"Ngoại lệ: {step.exception}")
    if step.note:
        parts.append(step.note)
    if step.withdrawn_at:
        when = f"{timezone.localtime(step.withdrawn_at):%d/%m/%Y}"
        parts.append(f"ĐÃ HỦY (ghi nhầm) ngày {when}: {step.withdrawal_reason}")
    return "; ".join(parts)


# The paper each step produces: (title, what the body says it records).
STEP_PAPERS = {
    Stage.IDENTIFIED: (
        "PHIẾU GHI NHẬN QUẦN CHÚNG ƯU TÚ",
        "Chi bộ xác định quần chúng ưu tú, giới thiệu học lớp bồi dưỡng nhận thức về Đảng.",
    ),
    Stage.COURSE: (
        "XÁC NHẬN HỌC LỚP BỒI DƯỠNG NHẬN THỨC VỀ ĐẢNG",
        "Quần chúng đã học và được cấp giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.",
    ),
    Stage.APPLICATION: (
        "PHIẾU TIẾP NHẬN ĐƠN XIN VÀO ĐẢNG VÀ LÝ LỊCH",
        "Chi bộ đã nhận đơn xin vào Đảng và lý lịch của người xin vào Đảng.",
    ),
    Stage.INTRODUCED: (
        "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG",
        "Đảng viên chính thức giới thiệu quần chúng vào Đảng.",
    ),
    Stage.VERIFIED: (
        "KẾT LUẬN THẨM TRA LÝ LỊCH NGƯỜI XIN VÀO ĐẢNG",
        "Chi ủy (chi bộ) đã thẩm tra, xác minh lý lịch của người xin vào Đảng.",
    ),
    Stage.CELL_VOTED: (
        "NGHỊ QUYẾT ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN",
        "Chi bộ họp xét, biểu quyết đề nghị kết nạp người vào Đảng.",
    ),
    Stage.COMMITTEE_VOTED: (
        "NGHỊ QUYẾT CỦA ĐẢNG ỦY CƠ SỞ ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN",
        "Đảng ủy cơ sở xét, biểu quyết đề nghị cấp ủy có thẩm quyền kết nạp.",
    ),
    Stage.RECEIVED: (
        "PHIẾU NHẬN HỒ SƠ ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN",
        "Cấp ủy có thẩm quyền đã nhận đủ hồ sơ đề nghị kết nạp.",
    ),
    Stage.DECIDED: (
        "QUYẾT ĐỊNH KẾT NẠP ĐẢNG VIÊN",
        "Cấp ủy có thẩm quyền quyết định kết nạp vào Đảng Cộng sản Việt Nam.",
    ),
    Stage.CEREMONY: (
        "BIÊN BẢN LỄ KẾT NẠP ĐẢNG VIÊN",
        "Chi bộ tổ chức lễ kết nạp; thời gian dự bị 12 tháng tính từ ngày lễ.",
    ),
    Stage.RECOGNISED: (
        "QUYẾT ĐỊNH CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
        "Công nhận đảng viên chính thức kể từ ngày hết thời gian dự bị.",
    ),
    Stage.NOT_RECOGNISED: (
        "QUYẾT ĐỊNH KHÔNG CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC",
        "Không công nhận đảng viên chính thức; xóa tên trong danh sách đảng viên.",
    ),
    Stage.CLOSED: (
        "BIÊN BẢN DỪNG XEM XÉT KẾT NẠP",
        "Chi bộ dừng xem xét hồ sơ kết nạp của quần chúng.",
    ),
}


def step_docx(file, step) -> bytes:
    """The paper of one step (minutes, resolution or decision), ready to print and sign."""
    title, summary = STEP_PAPERS.get(step.stage, (Stage.LABELS.get(step.stage, ""), ""))
    # the cell's letterhead dated on the step, its signing block at the end (core.paper)
    doc = new_document(org=file.organization, on=step.date, title=[title])
    if step.decision_number:
        doc.paragraph(f"Số: {step.decision_number}", align="center")
    doc.paragraph(summary)
    doc.table(rows=_step_rows(file, step))
    if step.exception:
        doc.paragraph(f"Căn cứ ngoại lệ được phép: {step.exception}")
        for waived in (step.evidence or {}).get("waived", []):
            doc.paragraph(f"Quy định được vượt: {waived}", style="List Bullet")
    if step.note:
        doc.paragraph(f"Ghi chú: {step.note}")
    return doc.to_bytes()


def _step_rows(file, step) -> list[tuple[str, str]]:
    e = step.evidence or {}
    rows = [
        ("Họ và tên", file.full_name),
        ("Ngày sinh", f"{file.birth_date:%d/%m/%Y}"),
        ("Quê quán", file.place_of_origin or "—"),
        ("Chi bộ", file.organization.name),
        ("Ngày", f"{step.date:%d/%m/%Y}"),
    ]
    if e.get("certificate_number"):
        rows.append(("Giấy chứng nhận", e["certificate_number"]))
    if e.get("training_class"):
        rows.append(("Lớp bồi dưỡng", e["training_class"]))
    if e.get("history_number"):
        rows.append(("Số lý lịch", e["history_number"]))
    for number, person in enumerate(e.get("introducers", []), start=1):
        rows.append(
            (
                f"Người giới thiệu {number}",
                f"{person['name']} (công tác cùng từ {_dmy(person.get('since'))})",
            )
        )
    if e.get("youth_union_resolution"):
        rows.append(("Nghị quyết Đoàn thanh niên", e["youth_union_resolution"]))
    if e.get("result"):
        rows.append(("Kết luận thẩm tra", e["result"]))
    if e.get("eligible"):
        against = e["eligible"] - e["votes_for"]
        rows.append(
            (
                "Biểu quyết",
                f"{e['votes_for']}/{e['eligible']} tán thành; {against} không tán thành hoặc vắng",
            )
        )
    if e.get("authority"):
        rows.append(("Cấp ủy nhận hồ sơ", e["authority"]))
    if step.stage == Stage.CEREMONY and file.probation_ends_on:
        rows.append(("Hết thời gian dự bị", f"{file.probation_ends_on:%d/%m/%Y}"))
    return rows


def _dmy(iso: str | None) -> str:
    if not iso:
        return "—"
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
