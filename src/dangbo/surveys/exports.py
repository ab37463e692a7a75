"""Campaign exports: XLSX (summary by question × group × org type, and the raw anonymous table)
and the DOCX report with charts (matplotlib PNG, offline)."""

from __future__ import annotations

import io

from django.db.models import Count
from openpyxl.styles import Font

from dangbo.core.exports import cell, new_document, new_workbook, pyplot
from dangbo.core.text import vi_number, vi_percent
from dangbo.surveys.models import Answer, FindingKind, QuestionKind, Response


def _pct(value) -> str:
    return "" if value is None else vi_percent(value, 1)


def _num(value) -> str:
    return "" if value is None else vi_number(value, 2)


HIDDEN = "ẩn"


def _shown(values) -> list:
    """Cells of a result row: a hidden figure (k-anonymity) is written "ẩn"."""
    return [HIDDEN if v is None else v for v in values]


def _bold(sheet, value, size=11):
    return cell(sheet, value, font=Font(bold=True, size=size))


def results_workbook(campaign, version, result):
    """(workbook, rows): a summary sheet and the raw table, one row per questionnaire."""
    # streamed: 5,000 questionnaires are ~130k cells
    book = new_workbook(write_only=True, org=campaign.organization)
    sheet = book.create_sheet("Tổng hợp")
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 18
    sheet.append([_bold(sheet, f"KẾT QUẢ KHẢO SÁT — {campaign.title}", 13)])
    sheet.append([f"{version} · {result.responses} phiếu"])
    sheet.append([_anonymity_note(result)])
    sheet.append([])
    labels = [c.label for c in result.columns]
    for q in result.questions:
        sheet.append([_bold(sheet, str(q.question)), q.question.get_kind_display()])
        sheet.append(["", "Số người trả lời", *_shown(q.respondents)])
        if q.question.kind == QuestionKind.TEXT:
            for answer in q.texts:
                sheet.append(["", answer.group_label, answer.text])
        else:
            sheet.append(["Phương án", "", *labels])
            for row in q.rows:
                sheet.append([row.label, "số phiếu", *_shown(row.counts)])
                sheet.append(["", "tỷ lệ (%)", *_shown(row.shares)])
        if q.averages:
            sheet.append(["Điểm trung bình", "", *_shown(q.averages)])
        sheet.append([])

    raw = book.create_sheet("Dữ liệu thô (ẩn danh)")
    questions = list(version.questions.all())
    raw.append(
        ["Phiếu", "Nhóm đối tượng", "Loại tổ chức", "Cách thu"]
        + [f"Câu {q.position}" for q in questions]
    )
    if result.responses < result.min_respondents:
        raw.append([f"Không xuất phiếu: dưới {result.min_respondents} phiếu trả lời."])
        return book, 0
    # A group or org type under the floor is not named on its questionnaires.
    hidden_keys = {c.key for c, h in zip(result.columns, result.hidden_responses, strict=True) if h}
    responses = {
        r.pk: r
        for r in Response.objects.filter(version=version).select_related("group", "org_type")
    }
    cells: dict[int, dict[int, list[str]]] = {pk: {} for pk in responses}
    for a in (
        Answer.objects.filter(response__version=version)
        .order_by("response_id", "question_id", "option")
        .values_list("response_id", "question_id", "option", "value", "text")
    ):
        response_id, question_id, option, value, text = a
        shown = str(option) if option is not None else str(value) if value is not None else text
        cells[response_id].setdefault(question_id, []).append(shown)
    for n, (pk, response) in enumerate(responses.items(), start=1):
        answers = cells[pk]
        raw.append(
            [
                n,
                HIDDEN if ("group", response.group_id) in hidden_keys else response.group.name,
                HIDDEN
                if ("type", response.org_type_id) in hidden_keys
                else (response.org_type.name if response.org_type else ""),
                response.get_channel_display(),
                *[", ".join(answers.get(q.pk, [])) for q in questions],
            ]
        )
    return book, len(responses)


def _anonymity_note(result) -> str:
    return (
        f"«{HIDDEN}»: nhóm, loại tổ chức có dưới {result.min_respondents} người trả lời (và cột "
        "nhỏ nhất đi kèm để không suy ra được) không hiển thị số liệu."
    )


def _chart(title: str, labels: list[str], series: dict[str, list[float]], ylim=None) -> bytes:
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    width = 0.8 / max(len(series), 1)
    for i, (name, values) in enumerate(series.items()):
        xs = [x + i * width for x in range(len(labels))]
        ax.bar(xs, [v or 0 for v in values], width=width, label=name)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(labels))])
    ax.set_xticklabels([label[:18] for label in labels], fontsize=7)
    ax.set_title(title[:90], fontsize=9)
    if ylim:
        ax.set_ylim(*ylim)
    if len(series) > 1:
        ax.legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def report_docx(campaign, version, result, findings) -> bytes:
    doc = new_document(org=campaign.organization)
    doc.heading(f"BÁO CÁO KẾT QUẢ KHẢO SÁT: {campaign.title}", level=1)
    scheme = campaign.document or campaign.programme
    if scheme:
        doc.paragraph(f"Đánh giá: {scheme}")
    doc.paragraph(
        f"Thời gian: {campaign.starts_on:%d/%m/%Y} – {campaign.ends_on:%d/%m/%Y}. "
        f"Mục đích: {campaign.purpose}"
    )
    sample = (
        campaign.sample.values("org_type__name").annotate(n=Count("id")).order_by("org_type__name")
    )
    parts = ", ".join(f"{row['n']} {row['org_type__name'].lower()}" for row in sample)
    doc.paragraph(
        f"Mẫu khảo sát: {parts or 'chưa chọn'}"
        + (f" (chọn ngẫu nhiên, hạt giống {campaign.sample_seed})" if campaign.sample_seed else "")
        + f". Số phiếu thu về: {result.responses} ({version})."
    )
    if result.any_hidden:
        doc.paragraph(_anonymity_note(result))
    scale = [q for q in result.questions if q.question.kind == QuestionKind.SCALE]
    groups = result.shown_columns(result.group_columns)
    if scale and groups:
        series = {c.label: [q.averages[index] for q in scale] for index, c in groups}
        png = _chart(
            "Điểm trung bình (thang 1–5) theo nhóm đối tượng",
            [f"Câu {q.question.position}" for q in scale],
            series,
            ylim=(0, 5),
        )
        doc.picture(png, width_cm=16)
    doc.heading("Những việc làm được", level=2)
    for q in result.worked:
        doc.paragraph(f"{q.question.text} — điểm trung bình {_num(q.average)}", "List Bullet")
    for f in findings:
        if f.kind == FindingKind.WORKED:
            doc.paragraph(f.text, "List Bullet")
    doc.heading("Những việc chưa làm được", level=2)
    for q in result.not_worked:
        doc.paragraph(f"{q.question.text} — điểm trung bình {_num(q.average)}", "List Bullet")
    for f in findings:
        if f.kind == FindingKind.NOT_WORKED:
            doc.paragraph(f.text, "List Bullet")
    doc.heading("Kiến nghị, đề xuất", level=2)
    for f in findings:
        if f.kind == FindingKind.RECOMMENDATION:
            doc.paragraph(f.text, "List Bullet")
    doc.heading("Kết quả theo từng câu hỏi", level=2)
    labels = [c.label for c in result.columns]
    for q in result.questions:
        _question_section(doc, q, labels)
    return doc.to_bytes()


def _question_section(doc, q, labels) -> None:
    """One question's results: its free answers, or its table (hidden cells kept hidden),
    average row and chart."""
    doc.heading(str(q.question), level=3)
    if q.question.kind == QuestionKind.TEXT:
        for answer in q.texts[:200]:
            who = f" ({answer.group_label})" if answer.group_label else ""
            doc.paragraph(f"{answer.text}{who}", "List Bullet")
        return
    table = doc.table(
        ["Phương án", *labels],
        (
            [
                row.label,
                *(
                    HIDDEN if n is None else f"{n} ({_pct(s)})" if s is not None else str(n)
                    for n, s in zip(row.counts, row.shares, strict=True)
                ),
            ]
            for row in q.rows
        ),
    )
    if q.averages:
        doc.add_row(
            table,
            [
                "Điểm trung bình",
                *(
                    HIDDEN if hidden else _num(avg)
                    for avg, hidden in zip(q.averages, q.hidden, strict=True)
                ),
            ],
        )
    if q.rows and q.total_respondents:
        png = _chart(
            q.question.text,
            [row.label for row in q.rows],
            {"Tỷ lệ (%)": [row.shares[0] for row in q.rows]},
            ylim=(0, 100),
        )
        doc.picture(png, width_cm=13)
