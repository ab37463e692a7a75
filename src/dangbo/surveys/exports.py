"""Campaign exports: XLSX (summary by question × group × org type, and the raw anonymous table)
and the DOCX report with charts (matplotlib PNG, offline)."""

from __future__ import annotations

import io

from django.db.models import Count
from openpyxl.styles import Font

from dangbo.core.exports import cell, new_document, new_workbook, pyplot
from dangbo.surveys.models import Answer, FindingKind, QuestionKind, Response


def _pct(value) -> str:
    return "" if value is None else f"{value:.1f}%".replace(".", ",")


def _num(value) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _bold(sheet, value, size=11):
    return cell(sheet, value, font=Font(bold=True, size=size))


def results_workbook(campaign, version, result):
    """(workbook, rows): a summary sheet and the raw table, one row per questionnaire."""
    book = new_workbook(write_only=True)  # streamed: 5,000 questionnaires are ~130k cells
    sheet = book.create_sheet("Tổng hợp")
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 18
    sheet.append([_bold(sheet, f"KẾT QUẢ KHẢO SÁT — {campaign.title}", 13)])
    sheet.append([f"{version} · {result.responses} phiếu"])
    sheet.append([])
    labels = [c.label for c in result.columns]
    for q in result.questions:
        sheet.append([_bold(sheet, str(q.question)), q.question.get_kind_display()])
        sheet.append(["", "Số người trả lời", *q.respondents])
        if q.question.kind == QuestionKind.TEXT:
            for answer in q.texts:
                sheet.append(["", answer.response.group.name, answer.text])
        else:
            sheet.append(["Phương án", "", *labels])
            for row in q.rows:
                sheet.append([row.label, "số phiếu", *row.counts])
                sheet.append(["", "tỷ lệ (%)", *row.shares])
        if q.averages:
            sheet.append(["Điểm trung bình", "", *q.averages])
        sheet.append([])

    raw = book.create_sheet("Dữ liệu thô (ẩn danh)")
    questions = list(version.questions.all())
    raw.append(
        ["Phiếu", "Nhóm đối tượng", "Loại tổ chức", "Cách thu"]
        + [f"Câu {q.position}" for q in questions]
    )
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
                response.group.name,
                response.org_type.name if response.org_type else "",
                response.get_channel_display(),
                *[", ".join(answers.get(q.pk, [])) for q in questions],
            ]
        )
    return book, len(responses)


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
    doc = new_document()
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
    scale = [q for q in result.questions if q.question.kind == QuestionKind.SCALE]
    if scale and result.group_columns:
        first = 1
        series = {
            c.label: [q.averages[first + i] for q in scale]
            for i, c in enumerate(result.group_columns)
        }
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
        doc.heading(str(q.question), level=3)
        if q.question.kind == QuestionKind.TEXT:
            for answer in q.texts[:200]:
                doc.paragraph(f"{answer.text} ({answer.response.group.name})", "List Bullet")
            continue
        table = doc.table(
            ["Phương án", *labels],
            (
                [
                    row.label,
                    *(
                        f"{n} ({_pct(s)})" if s is not None else str(n)
                        for n, s in zip(row.counts, row.shares, strict=True)
                    ),
                ]
                for row in q.rows
            ),
        )
        if q.averages:
            doc.add_row(table, ["Điểm trung bình", *(_num(avg) for avg in q.averages)])
        if q.rows and q.total_respondents:
            png = _chart(
                q.question.text,
                [row.label for row in q.rows],
                {"Tỷ lệ (%)": [row.shares[0] for row in q.rows]},
                ylim=(0, 100),
            )
            doc.picture(png, width_cm=13)
    return doc.to_bytes()
