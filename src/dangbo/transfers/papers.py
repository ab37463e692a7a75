"""The introduction letter of a transfer (Giấy giới thiệu sinh hoạt đảng), issued by the
member's grassroots party organisation on its paper, numbered in its register of outgoing
documents (`organizations.documents`) and kept there: asked again, the kept letter."""

from dangbo.core.errors import DomainError
from dangbo.organizations import documents
from dangbo.organizations.models import OutgoingDocument
from dangbo.transfers.rules import Kind

LETTER = OutgoingDocument.Kind.TRANSFER_LETTER
RECIPIENTS = ["Như trên", "Đồng chí có tên trên", "Lưu hồ sơ"]
MANNER = {Kind.OFFICIAL: "chính thức", Kind.TEMPORARY: "tạm thời", Kind.OUT: "chính thức"}


def source_of(transfer) -> str:
    return f"transfers.Transfer:{transfer.pk}"


def destination(transfer) -> str:
    return transfer.to_org.name if transfer.to_org_id else transfer.external_org


def letter_body(doc, paper, transfer, issuer) -> None:
    member = transfer.member
    to = destination(transfer)
    manner = MANNER[transfer.kind]
    doc.paragraph(f"Kính gửi: {to}", align="center").runs[0].bold = True
    standing = (
        f"chính thức ngày {member.official_on:%d/%m/%Y}"
        if member.official_on
        else "hiện là đảng viên dự bị"
    )
    doc.paragraph(
        f"{issuer.name} giới thiệu đồng chí {member.full_name}, sinh ngày "
        f"{member.birth_date:%d/%m/%Y}, vào Đảng ngày {member.admitted_on:%d/%m/%Y}, {standing}, "
        f"hiện sinh hoạt tại {transfer.from_org.name}.",
        align="justify",
    )
    period = ""
    if transfer.kind == Kind.TEMPORARY and transfer.starts_on:
        period = f" từ ngày {transfer.starts_on:%d/%m/%Y}"
        if transfer.ends_on:
            period += f" đến ngày {transfer.ends_on:%d/%m/%Y}"
    doc.paragraph(f"Được chuyển sinh hoạt đảng {manner} đến {to}{period}.", align="justify")
    doc.paragraph(
        f"Đề nghị {to} tiếp nhận, quản lý và giúp đỡ đồng chí sinh hoạt đảng theo quy định.",
        align="justify",
    )
    if transfer.present_by:
        doc.paragraph(
            f"Giấy giới thiệu có giá trị đến hết ngày {transfer.present_by:%d/%m/%Y}.",
        ).runs[0].italic = True


def introduction_letter(transfer, user) -> OutgoingDocument:
    """The letter of `transfer` (an official, temporary or outgoing one)."""
    kept = documents.issued_for(LETTER, source_of(transfer))
    if kept is not None:
        return kept
    if transfer.kind not in MANNER or transfer.from_org_id is None:
        raise DomainError("Chuyển đến từ ngoài hệ thống: giấy giới thiệu do nơi đi cấp.", "kind")
    issuer = documents.grassroots_of(transfer.from_org)

    return documents.issue(
        org=issuer,
        kind=LETTER,
        on=transfer.issued_on,
        subject=f"Giới thiệu sinh hoạt đảng đồng chí {transfer.member.full_name}",
        build=documents.written_by(lambda doc, paper: letter_body(doc, paper, transfer, issuer)),
        file_name=f"giay-gioi-thieu-{transfer.pk}.docx",
        user=user,
        source=source_of(transfer),
        subject_member=transfer.member,
        subject_org=transfer.to_org,
        title=["GIẤY GIỚI THIỆU SINH HOẠT ĐẢNG"],
        recipients=RECIPIENTS,
    )
