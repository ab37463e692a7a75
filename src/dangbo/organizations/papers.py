"""Decisions about orgs issued from their recorded events (`OrgEvent`), by the superior org on
its paper, numbered in its register of outgoing documents (`documents.issue`) and kept there:

- the founding decision (Quyết định thành lập) of a FOUNDED event;
- the merging decision (Quyết định hợp nhất) of a MERGED event: the orgs merged by the same
  decision into the same org are named together.

Dated on the decision day recorded with the event; listed on the org's page.
"""

from dangbo.core.errors import DomainError
from dangbo.organizations import documents
from dangbo.organizations.models import Organization, OrgEvent, OutgoingDocument

FOUNDING = OutgoingDocument.Kind.FOUNDING_DECISION
MERGER = OutgoingDocument.Kind.MERGER_DECISION
RECIPIENTS = ["Như Điều 3", "Các ban, đơn vị liên quan", "Lưu văn phòng cấp ủy"]
KINDS = {OrgEvent.Kind.FOUNDED: FOUNDING, OrgEvent.Kind.MERGED: MERGER}


def source_of(event) -> str:
    return f"organizations.OrgEvent:{event.pk}"


def _parent(org):
    return Organization.objects.get_parent(org) if org.depth > 1 else None


def issuer_of(event):
    """The superior that decides (the org itself at the top of the tree)."""
    org = event.organization
    if event.kind == OrgEvent.Kind.MERGED and event.details.get("merged_into"):
        target = Organization.objects.filter(pk=event.details["merged_into"]).first()
        org = target or org
    return _parent(org) or org


def founding_body(doc, paper, event) -> None:
    org = event.organization
    parent = _parent(org)
    under = f", trực thuộc {parent.name}" if parent else ""
    documents.write_decision(
        doc,
        paper,
        [*documents.CHARTER_GROUNDS, f"Xét đề nghị về việc thành lập {org.name},"],
        [
            f"Thành lập {org.name} ({org.org_type.name.lower()}){under}, kể từ ngày "
            f"{event.effective_date:%d/%m/%Y}.",
            f"{org.name} có chức năng, nhiệm vụ theo quy định của Điều lệ Đảng và hướng dẫn "
            "của cấp ủy cấp trên.",
            f"Các cơ quan, đơn vị liên quan và {org.name} chịu trách nhiệm thi hành Quyết định "
            "này.",
        ],
    )


def merged_names(event) -> list[str]:
    """The orgs merged by the event's decision into the same org."""
    together = OrgEvent.objects.filter(
        kind=OrgEvent.Kind.MERGED,
        decision_number=event.decision_number,
        details__merged_into=event.details.get("merged_into"),
    ).select_related("organization")
    return [e.organization.name for e in together] or [event.organization.name]


def merger_body(doc, paper, event) -> None:
    names = ", ".join(merged_names(event))
    target = event.details.get("merged_into_name", "")
    documents.write_decision(
        doc,
        paper,
        [*documents.CHARTER_GROUNDS, f"Xét đề nghị về việc hợp nhất {names},"],
        [
            f"Hợp nhất {names} vào {target}, kể từ ngày {event.effective_date:%d/%m/%Y}.",
            f"{target} kế thừa nhiệm vụ, tiếp nhận đảng viên và hồ sơ của các tổ chức được hợp "
            "nhất; các tổ chức được hợp nhất chấm dứt hoạt động kể từ ngày trên.",
            f"Các cơ quan, đơn vị liên quan, {names} và {target} chịu trách nhiệm thi hành Quyết "
            "định này.",
        ],
    )


def event_decision(event, user) -> OutgoingDocument:
    """The founding or merging decision of `event` (issued once, then handed back as kept)."""
    kind = KINDS.get(event.kind)
    if kind is None:
        raise DomainError("Chỉ lập quyết định thành lập hoặc hợp nhất từ sự kiện này.", "kind")
    kept = documents.issued_for(kind, source_of(event))
    if kept is not None:
        return kept
    org = event.organization
    if kind == FOUNDING:
        title = ["QUYẾT ĐỊNH", f"về việc thành lập {org.name}"]
        body, subject, stem = founding_body, f"Thành lập {org.name}", "thanh-lap"
    else:
        target = event.details.get("merged_into_name", "")
        title = ["QUYẾT ĐỊNH", f"về việc hợp nhất {org.name} vào {target}"]
        body, subject, stem = merger_body, f"Hợp nhất {org.name} vào {target}", "hop-nhat"

    return documents.issue(
        org=issuer_of(event),
        kind=kind,
        on=event.decision_date,
        subject=subject,
        build=documents.written_by(lambda doc, paper: body(doc, paper, event)),
        file_name=f"quyet-dinh-{stem}-{event.pk}.docx",
        user=user,
        source=source_of(event),
        subject_org=org,
        title=title,
        recipients=RECIPIENTS,
    )
