"""The register of outgoing documents (sổ văn bản đi) of each org.

`issue(...)` numbers a document in its issuing org's register for the year (the org's row is
locked while the next number is taken), builds it on the org's paper (letterhead with the
number and symbol, signing block; `core.paper`), and keeps its bytes with their SHA-256. A
document issued for a record (`source`, e.g. "admissions.AdmissionFile:12") is issued once:
asking again hands back the kept one, same number, same bytes.
"""

import hashlib
from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.db.models import Max

from dangbo.core.errors import DomainError
from dangbo.core.paper import Paper, number_line, org_symbol, paper_for
from dangbo.organizations.models import Organization, OutgoingDocument

# The type part of a symbol (Hướng dẫn 36-HD/VPTW, the abbreviations of document types).
KIND_SYMBOL = {
    OutgoingDocument.Kind.ADMISSION_DECISION: "QĐ",
    OutgoingDocument.Kind.TRANSFER_LETTER: "GGT",
    OutgoingDocument.Kind.RECOGNITION_DECISION: "QĐ",
    OutgoingDocument.Kind.DISCIPLINE_DECISION: "QĐ",
    OutgoingDocument.Kind.FOUNDING_DECISION: "QĐ",
    OutgoingDocument.Kind.MERGER_DECISION: "QĐ",
    OutgoingDocument.Kind.MEETING_MINUTES: "BB",
    OutgoingDocument.Kind.MEETING_RESOLUTION: "NQ",
}


def symbol_for(kind: str, org, on: date) -> str:
    """ "QĐ/ĐU": the document type, then the issuing body."""
    return f"{KIND_SYMBOL[kind]}/{org_symbol(org, on)}"


def issued_for(kind: str, source: str) -> OutgoingDocument | None:
    return OutgoingDocument.objects.filter(kind=kind, source=source).first() if source else None


@transaction.atomic
def written_by(body: Callable) -> Callable[[Paper], bytes]:
    """The usual `build` for `issue`: a new document on the issuer's paper, its text written by
    `body(doc, paper)`."""
    from dangbo.core.exports import new_document

    def build(paper: Paper) -> bytes:
        doc = new_document(paper=paper)
        body(doc, paper)
        return doc.to_bytes()

    return build


def issue(
    *,
    org: Organization,
    kind: str,
    on: date,
    subject: str,
    build: Callable[[Paper], bytes],
    file_name: str,
    user=None,
    source: str = "",
    subject_member=None,
    subject_org=None,
    title=(),
    recipients=(),
) -> OutgoingDocument:
    """Issue (or hand back) a document of `org`: `build(paper)` writes it on the paper given
    (its number line filled in) and returns the bytes."""
    kept = issued_for(kind, source)
    if kept is not None:
        return kept
    if not org.is_active:
        raise DomainError("Tổ chức ban hành đã giải thể hoặc không còn hoạt động.", "organization")
    Organization.objects.select_for_update().filter(pk=org.pk).first()  # one number at a time
    last = OutgoingDocument.objects.filter(organization=org, year=on.year).aggregate(
        last=Max("number")
    )["last"]
    number = (last or 0) + 1
    symbol = symbol_for(kind, org, on)
    paper = paper_for(
        org, on, title=title, number=number_line(number, symbol), recipients=recipients
    )
    body = build(paper)
    return OutgoingDocument.objects.create(
        organization=org,
        year=on.year,
        number=number,
        symbol=symbol,
        kind=kind,
        subject=subject[:255],
        source=source,
        subject_member=subject_member,
        subject_org=subject_org,
        signer=paper.signer,
        signed_as=" / ".join(paper.signing),
        issued_on=on,
        file_name=file_name,
        content=body,
        checksum=hashlib.sha256(body).hexdigest(),
        issued_by=user,
    )


def decision_authority(paper) -> str:
    """The body that decides, as a decision names it above its grounds."""
    issuer = paper.org_lines[-1] if paper.org_lines else ""
    if paper.signing and paper.signing[0] == "T/M BAN THƯỜNG VỤ":
        return f"BAN THƯỜNG VỤ {issuer}"
    return issuer


def write_decision(doc, paper, grounds, articles) -> None:
    """A decision's text after its title: the deciding body, the grounds (italic), "QUYẾT
    ĐỊNH:" and the articles ("Điều 1. …")."""
    doc.paragraph(decision_authority(paper), align="center").runs[0].bold = True
    for ground in grounds:
        doc.paragraph(ground, align="justify").runs[0].italic = True
    doc.paragraph("QUYẾT ĐỊNH:", align="center").runs[0].bold = True
    for number, article in enumerate(articles, start=1):
        doc.paragraph(f"Điều {number}. {article}", align="justify")


CHARTER_GROUNDS = (
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Quy định thi hành Điều lệ Đảng và các hướng dẫn của Trung ương hiện hành;",
)


def grassroots_of(org: Organization) -> Organization:
    """The grassroots party organisation an org belongs to (itself when it is one): it issues
    the introduction letters of its members' transfers."""
    node = org
    while node is not None and not node.org_type.is_grassroots:
        node = Organization.objects.get_parent(node) if node.depth > 1 else None
    return node or org


def issuing_org_for_admission(cell: Organization) -> Organization:
    """Who decides an admission: the grassroots party committee of a cell under it; for a
    grassroots cell (chi bộ cơ sở), its superior committee."""
    node = cell
    while node is not None:
        if node.org_type.is_grassroots and not node.org_type.holds_members:
            return node  # a grassroots party committee
        if node.org_type.is_grassroots:  # a grassroots cell: its direct superior decides
            return Organization.objects.get_parent(node) if node.depth > 1 else node
        node = Organization.objects.get_parent(node) if node.depth > 1 else None
    return cell
