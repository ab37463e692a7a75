"""Permission matrix rows for the org tree: screens, HTMX fragments and API."""

from datetime import date

from dangbo.organizations.models import OrgEvent, OrgType, OutgoingDocument
from tests.permission_matrix import Case, api_list, outside_ids, pk


def _document(key):
    """A kept document of the org's register of outgoing documents."""

    def kwargs(d):
        name = f"document_{key}"
        if name not in d:
            d[name] = OutgoingDocument.objects.create(
                organization=d[key],
                year=2026,
                number=1,
                symbol="QĐ/ĐU",
                kind=OutgoingDocument.Kind.ADMISSION_DECISION,
                subject="Kết nạp đảng viên",
                issued_on=date(2026, 3, 20),
                file_name="quyet-dinh.docx",
                content=b"PK",
                checksum="0" * 64,
            )
        return {"pk": d[name].pk}

    return kwargs


def founded(key):
    """The FOUNDED event of the org (recorded when the tree was built)."""

    def kwargs(d):
        return {"pk": OrgEvent.objects.get(organization=d[key], kind="founded").pk}

    return kwargs


CASES = [
    # issues the founding decision in the superior's register (once), answers DOCX
    Case(
        "organizations:event_decision",
        "organizations.change",
        inside=founded("cell_a"),
        outside=founded("village"),
        method="post",
    ),
    Case(
        "organizations:document_file",
        "members.view",
        inside=_document("committee"),
        outside=_document("commune"),
    ),
    Case(
        "organizations:tree",
        "organizations.view",
        denied=200,
        listed=lambda d: d["committee"].name,
        unlisted=lambda d: d["commune"].name,
    ),
    # first run: superusers only, and only while the tree is empty (it never is here)
    Case("organizations:first_run", allowed=lambda role: False),
    Case("organizations:first_run", method="post", allowed=lambda role: False),
    # results are restricted inside (see test_views): never an org outside the subtree
    Case("organizations:pick", query=lambda d: {"q": "Thôn Đông"}),
    Case("organizations:detail", "organizations.view", inside=pk("cell_a"), outside=pk("village")),
    Case(
        "organizations:children",
        "organizations.view",
        inside=pk("committee"),
        outside=pk("commune"),
    ),
    Case(
        "organizations:found", "organizations.change", inside=pk("committee"), outside=pk("commune")
    ),
    *(
        Case(name, "organizations.change", inside=pk("cell_a"), outside=pk("village"))
        for name in ("organizations:rename", "organizations:move", "organizations:dissolve")
    ),
    Case(
        "organizations:move",
        "organizations.change",
        inside=pk("cell_a"),
        method="post",
        outside_body=lambda d: {"new_parent": d["commune"].pk},
    ),
    api_list(
        "organization-list",
        "organizations.view",
        listed=lambda d: d["cell_a"].pk,
        unlisted=lambda d: d["village"].pk,
        query=outside_ids,
    ),
    Case("organization-detail", "organizations.view", inside=pk("cell_a"), outside=pk("village")),
    api_list("orgtype-list", None),
    Case("orgtype-detail", inside=lambda d: {"pk": OrgType.objects.get(code="cell").pk}),
    api_list(
        "orgperiod-list",
        "organizations.view",
        listed=lambda d: d["inside_org_period"].pk,
        unlisted=lambda d: d["outside_org_period"].pk,
        query=outside_ids,
    ),
    Case(
        "orgperiod-detail",
        "organizations.view",
        inside=pk("inside_org_period"),
        outside=pk("outside_org_period"),
    ),
    api_list(
        "orgevent-list",
        "organizations.view",
        listed=lambda d: d["inside_org_event"].pk,
        unlisted=lambda d: d["outside_org_event"].pk,
        query=outside_ids,
    ),
    Case(
        "orgevent-detail",
        "organizations.view",
        inside=pk("inside_org_event"),
        outside=pk("outside_org_event"),
    ),
]
