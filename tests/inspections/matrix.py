"""Permission-matrix rows for the whole inspections app (see docs/DEVELOPING.md).

Inside: a programme of the committee (the roles' node) inspecting cell_a, concluded with a
remedy; a case about a member of cell_a disciplined and appealed; a case about cell_b with an
org discipline; a complaint received by the committee. Outside: the same under the commune.
Inspection records are a strict app: '*.view' does not reach them (DANGBO_STRICT_APPS).
"""

from datetime import date

from dangbo.inspections import services
from tests.inspections.conftest import plan
from tests.permission_matrix import Case, outside_ids

SIDES = {
    "inside": ("committee", "cell_a", "cell_b", "members_a"),
    "outside": ("commune", "village", "village", "village_members"),
}


def _build(d, side) -> dict:
    owner_key, target_key, org_case_key, members_key = SIDES[side]
    owner, target, member = d[owner_key], d[target_key], d[members_key][0]
    programme = services.create_programme(
        organization=owner,
        body="inspection_committee",
        year=2025,
        title=f"Chương trình kiểm tra năm 2025 ({side})",
        approved_on=date(2025, 1, 10),
    )
    inspection = services.plan_inspection(programme, plan(), target_org=target)
    services.start_inspection(
        inspection,
        decision_number="12-QĐ/UBKT",
        decision_date=date(2025, 4, 8),
        started_on=date(2025, 4, 10),
        team="Trần Văn Kiểm",
    )
    services.conclude_inspection(
        inspection,
        concluded_on=date(2025, 5, 12),
        violations_found=True,
        conclusion="Chưa thực hiện đúng chế độ sinh hoạt.",
        recommendations="Chấn chỉnh.",
        remedies=[(f"Tổ chức lại sinh hoạt chuyên đề ({side})", "Bí thư", date(2099, 8, 30))],
    )
    case = services.open_case(
        member=member,
        opened_on=date(2025, 6, 1),
        decision_number="20-QĐ/UBKT",
        authority="Ủy ban kiểm tra",
        signs="Dấu hiệu vi phạm quy chế",
    )
    services.discipline_member(
        case,
        form="reprimand",
        decided_on=date(2025, 7, 1),
        decision_number="21-QĐ/UBKT",
        authority_org=d["province"],
        reason="Vi phạm quy chế làm việc",
    )
    appeal = services.lodge_appeal(case, lodged_on=date(2025, 7, 10), grounds="Chưa thỏa đáng")
    org_case = services.open_case(
        organization=d[org_case_key],
        opened_on=date(2025, 6, 1),
        decision_number="22-QĐ/UBKT",
        authority="Ủy ban kiểm tra",
        signs="Dấu hiệu buông lỏng lãnh đạo",
    )
    services.discipline_org(
        org_case,
        form="reprimand",
        decided_on=date(2025, 7, 1),
        decision_number="23-QĐ/UBKT",
        authority_org=d["province"],
        reason="Buông lỏng lãnh đạo",
    )
    complaint = services.register_complaint(
        organization=owner,
        complaint_type="denunciation",
        received_on=date(2025, 9, 1),
        sender="Người tố cáo giấu tên",
        concerning=f"Cán bộ phía {side}",
        content="Nội dung tố cáo",
    )
    return dict(
        programme=programme,
        inspection=inspection,
        remedy=inspection.remedies.get(),
        case=case,
        appeal=appeal,
        org_case=org_case,
        org_discipline=org_case.org_disciplines.get(),
        complaint=complaint,
    )


def _side(d, side) -> dict:
    key = f"inspections_{side}"
    if key not in d:
        d[key] = _build(d, side)
    return d[key]


def _built(d) -> dict:
    _side(d, "inside")
    _side(d, "outside")
    return {}


def obj(key):
    return lambda d: {"pk": _side(d, "inside")[key].pk}


def out(key):
    return lambda d: {"pk": _side(d, "outside")[key].pk}


def _screen(name, key, permission="inspections.view", **kw):
    return Case(f"inspections:{name}", permission, inside=obj(key), outside=out(key), **kw)


def _change(name, key):
    return _screen(name, key, "inspections.change")


def _list(name, key, label):
    """A list screen: the inside row shown to allowed roles, never the outside one, and an
    ?org=<outside> filter shows nothing from outside."""
    return Case(
        f"inspections:{name}",
        "inspections.view",
        inside=_built,
        listed=lambda d: label(_side(d, "inside")[key]),
        unlisted=lambda d: label(_side(d, "outside")[key]),
        query=outside_ids,
    )


def _api(basename, key):
    return [
        Case(
            f"{basename}-list",
            "inspections.view",
            inside=_built,
            denied=200,
            listed=lambda d: _side(d, "inside")[key].pk,
            unlisted=lambda d: _side(d, "outside")[key].pk,
            query=outside_ids,
        ),
        Case(f"{basename}-detail", "inspections.view", inside=obj(key), outside=out(key)),
    ]


def _form_post(name, outside_body, key=None):
    """A form posted naming an outside org or member: the form error, nothing written."""
    return Case(
        f"inspections:{name}",
        "inspections.change",
        inside=obj(key) if key else None,
        method="post",
        outside_body=outside_body,
    )


CASES = [
    _list("index", "programme", lambda p: p.title),
    Case("inspections:programme_create", "inspections.change"),
    _form_post("programme_create", lambda d: {"organization": d["commune"].pk}),
    _screen("programme", "programme"),
    _change("plan", "programme"),
    _form_post(
        "plan",
        lambda d: {"target_org": d["village"].pk, "target_member": d["outside_member"].pk},
        "programme",
    ),
    _list("list", "inspection", lambda i: i.organization.name),
    _screen("detail", "inspection"),
    _change("start", "inspection"),
    _change("document", "inspection"),
    _change("conclude", "inspection"),
    _change("cancel", "inspection"),
    _change("remedy_add", "inspection"),
    _list("remedies", "remedy", lambda r: r.description),
    _change("remedy_follow_up", "remedy"),
    _change("remedy_confirm", "remedy"),
    _list("cases", "case", lambda c: c.member.full_name),
    Case(
        "inspections:case_create",
        "inspections.change",
        # ?inspection=<id> prefills from an inspection: one outside the subtree is a 404
        query=lambda d: {"inspection": _side(d, "outside")["inspection"].pk},
        query_ok=404,
    ),
    _form_post(
        "case_create",
        lambda d: {"organization": d["village"].pk, "member": d["outside_member"].pk},
    ),
    _screen("case", "case"),
    _change("case_close", "org_case"),
    _change("case_discipline", "org_case"),
    # the discipline decision is issued in the register of the deciding org (the province
    # here, above the roles' node): allowed roles are sent back to the case with the reason
    # (tests/paper/test_documents.py issues one as the deciding committee)
    _screen("case_decision", "case", "inspections.change", method="post", ok=302),
    _change("appeal", "case"),
    _change("appeal_decide", "appeal"),
    _list("complaints", "complaint", lambda c: c.concerning),
    Case("inspections:complaint_create", "inspections.change"),
    _form_post("complaint_create", lambda d: {"organization": d["commune"].pk}),
    _screen("complaint", "complaint"),
    _change("complaint_assign", "complaint"),
    _change("complaint_answer", "complaint"),
    Case(
        "inspections:statistics",
        "inspections.view",
        # an outside org is a form error (the figures of the user's own reach are not shown)
        query=lambda d: {"org": d["commune"].pk, "year_from": 2025, "year_to": 2025},
    ),
    # pickers answer any signed-in user, with candidates from their inspections reach only
    Case("inspections:pick_org", None, query=lambda d: {"q": "Thôn Đông"}),
    Case("inspections:pick_member", None, query=lambda d: {"q": "dang thi thuy"}),
    *_api("inspection-programme", "programme"),
    *_api("inspection", "inspection"),
    *_api("inspection-remedy", "remedy"),
    *_api("inspection-case", "case"),
    *_api("org-discipline", "org_discipline"),
    *_api("discipline-appeal", "appeal"),
    *_api("inspection-complaint", "complaint"),
]

OUTSIDE_BODY_EXEMPT = {
    "inspections:statistics": "a GET form: its org comes in the query string, declared there as "
    "`query` (an outside org is the form's error, no figures shown)",
}
