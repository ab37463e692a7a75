"""Permission-matrix rows for the programmes app: screens and API (docs/DEVELOPING.md)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from dangbo.programmes import services
from dangbo.programmes.models import Task
from tests.permission_matrix import Case, api_list, outside_ids

ORGS = {"inside": "committee", "outside": "commune"}


def _document(d, side):
    key = f"_document_{side}"
    if key not in d:
        d[key] = services.register_document(
            organization=d[ORGS[side]],
            doc_type="NQ",
            number=f"01-NQ/{side}",
            issued_on=date(2026, 1, 5),
            signer="Nguyễn Văn An",
            summary="Nghị quyết về công tác xây dựng Đảng",
            attachment=SimpleUploadedFile(f"nq-{side}.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
    return d[key]


def _programme(d, side):
    key = f"_programme_{side}"
    if key not in d:
        d[key] = services.create_programme(
            organization=d[ORGS[side]],
            kind="year",
            title=f"Chương trình công tác năm 2026 ({side})",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
    return d[key]


def _item(d, side):
    key = f"_item_{side}"
    if key not in d:
        d[key] = services.add_item(
            programme=_programme(d, side),
            title="Kết nạp đảng viên mới",
            expected_result="Kết nạp ít nhất 20 đảng viên",
            due_on=date(2026, 12, 15),
        )
    return d[key]


def _task(d, side):
    key = f"_task_{side}"
    if key not in d:
        org = d[ORGS[side]]
        d[key] = Task.objects.create(
            kind=Task.Kind.REGULAR,
            title="Rà soát hồ sơ đảng viên",
            assigner_org=org,
            assignee_org=org,
            due_on=date(2026, 12, 31),
        )
    return d[key]


def _commitment(d, side):
    key = f"_commitment_{side}"
    if key not in d:
        d[key] = services.sign_commitment(
            organization=d[ORGS[side]],
            year=2026,
            signer_name="Lê Thị Cam",
            signed_on=date(2026, 1, 10),
            items=["Hoàn thành 100% chỉ tiêu kết nạp"],
        )
    return d[key]


def obj(make):
    return {side: (lambda d, side=side: {"pk": make(d, side).pk}) for side in ORGS}


DOC, PROG, ITEM, TASK, COMMIT = (obj(f) for f in (_document, _programme, _item, _task, _commitment))


def _outside_orgs(d) -> dict:
    """Every org field of the programmes forms and serializers, naming the commune."""
    commune = d["commune"].pk
    return {
        "organization": commune,
        "organizations": [commune],
        "assigner_org": commune,
        "assignee_org": commune,
    }


def _form_post(name, kwargs=None):
    """The form posted naming an org outside the subtree: the form error, nothing written."""
    inside = kwargs["inside"] if kwargs else None
    return Case(
        f"programmes:{name}",
        "programmes.change",
        inside=inside,
        method="post",
        outside_body=_outside_orgs,
    )


def _create(name):
    """POST on an API list: the empty body refused (400) whoever sends it; an allowed role
    naming an outside org gets 400 too, nothing written."""
    return Case(
        name,
        "programmes.change",
        inside=lambda d: {},
        method="post",
        ok=400,
        denied=400,
        outside_body=_outside_orgs,
    )


def _on(name, permission, kwargs, **kw):
    return Case(name, permission, inside=kwargs["inside"], outside=kwargs["outside"], **kw)


def _screen(name, permission, kwargs=None, **kw):
    if kwargs is None:
        return Case(f"programmes:{name}", permission, **kw)
    return _on(f"programmes:{name}", permission, kwargs, **kw)


CASES = [
    _screen("index", "programmes.view"),
    _screen("pick_org", "programmes.change"),
    _screen("documents", "programmes.view"),
    _screen("document_create", "programmes.change"),
    _form_post("document_create"),
    _screen("document_counts", "programmes.view"),
    _screen("document_counts_xlsx", "programmes.view"),
    _screen("document_detail", "programmes.view", DOC),
    _screen("document_file", "programmes.view", DOC),
    _screen("programmes", "programmes.view"),
    _screen("programme_create", "programmes.change"),
    _form_post("programme_create"),
    _screen("programme_detail", "programmes.view", PROG),
    _screen("programme_docx", "programmes.view", PROG),
    _screen("item_create", "programmes.change", PROG),
    _form_post("item_create", PROG),
    _screen("flagged_items", "programmes.view"),
    _screen("item_detail", "programmes.view", ITEM),
    Case(
        "programmes:subitem_create",
        "programmes.change",
        inside=lambda d: {"item_pk": _item(d, "inside").pk},
        outside=lambda d: {"item_pk": _item(d, "outside").pk},
    ),
    Case(
        "programmes:subitem_create",
        "programmes.change",
        inside=lambda d: {"item_pk": _item(d, "inside").pk},
        method="post",
        outside_body=_outside_orgs,
    ),
    _screen("item_cascade", "programmes.change", ITEM),
    _form_post("item_cascade", ITEM),
    _screen("item_report", "programmes.change", ITEM),
    _screen("item_cancel", "programmes.change", ITEM),
    _screen("tasks", "programmes.view"),
    _screen("task_create", "programmes.change"),
    _form_post("task_create"),
    _screen("task_detail", "programmes.view", TASK),
    _screen("task_report", "programmes.change", TASK),
    _screen("commitments", "programmes.view"),
    _screen("commitment_create", "programmes.change"),
    _form_post("commitment_create"),
    _screen("commitment_detail", "programmes.view", COMMIT),
    _screen("commitment_evaluate", "programmes.change", COMMIT),
    # API
    api_list("document-list", "programmes.view", query=outside_ids),
    _create("document-list"),
    Case("document-counts", "programmes.view", inside=lambda d: {}, denied=200),
    _on("document-detail", "programmes.view", DOC),
    api_list("programme-list", "programmes.view", query=outside_ids),
    _create("programme-list"),
    _on("programme-detail", "programmes.view", PROG),
    _on("programme-summary", "programmes.view", PROG),
    api_list("programme-item-list", "programmes.view", query=outside_ids),
    _create("programme-item-list"),
    _on("programme-item-detail", "programmes.view", ITEM),
    _on(
        "programme-item-cascade",
        "programmes.change",
        ITEM,
        method="post",
        ok=400,
        outside_body=_outside_orgs,
    ),
    _on("programme-item-report", "programmes.change", ITEM, method="post", ok=400),
    api_list("task-list", "programmes.view", query=outside_ids),
    _create("task-list"),
    _on("task-detail", "programmes.view", TASK),
    _on("task-report", "programmes.change", TASK, method="post", ok=400),
    api_list("commitment-list", "programmes.view", query=outside_ids),
    _on("commitment-detail", "programmes.view", COMMIT),
]
