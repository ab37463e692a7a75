"""Templates, exports and the kept upload: sheets handed out in the shape the imports read."""

from auditlog.context import set_actor
from auditlog.signals import accessed

from dangbo.admissions.models import AdmissionFile
from dangbo.core.errors import DomainError
from dangbo.core.exports import IdentityMask, new_workbook, workbook_bytes
from dangbo.core.models import Role
from dangbo.core.permissions import has_permission
from dangbo.core.text import normalize
from dangbo.imports import pipeline, rules, shapes, xlsx
from dangbo.imports.access import VIEW_PERMISSION, check_can_import
from dangbo.imports.models import DataExport, ImportJob, Kind
from dangbo.imports.user_import import user_rows
from dangbo.imports.writers import BATCH
from dangbo.meetings.models import Meeting, MeetingStatus
from dangbo.members.choices import Status
from dangbo.members.models import Member, Placement, StatusPeriod
from dangbo.organizations.models import LABEL_SEPARATOR, Organization, OrgEvent, OrgType
from dangbo.reviews.models import MemberReview, OrgReview, ReviewYear


def _org_labels(root: Organization, **filters) -> dict[int, str]:
    """How each org under root is written in a sheet: its name, or, when another org of the
    subtree shares it, the name followed by as many parents as make it unique («Chi bộ Văn
    phòng — Đảng bộ Sở Tư pháp»; the imports read it back), '#id name' as a last resort."""
    every = Organization.objects.filter(path__startswith=root.path).values_list(
        "pk", "name", "path", "name_search"
    )
    above = [root.path[:end] for end in range(4, len(root.path), 4)]
    names = dict(Organization.objects.filter(path__in=above).values_list("path", "name"))
    names.update((path, name) for _pk, name, path, _key in every)
    rows = list(every.filter(**filters) if filters else every)
    groups: dict[str, list[tuple[int, str, str]]] = {}
    for pk, name, path, key in rows:
        groups.setdefault(key, []).append((pk, name, path))
    labels = {}
    for same in groups.values():
        if len(same) == 1:
            pk, name, _path = same[0]
            labels[pk] = name
            continue
        chains = {pk: [name, *_ancestor_names(path, names)] for pk, name, path in same}
        for length in range(2, max(len(c) for c in chains.values()) + 1):
            shown = {pk: LABEL_SEPARATOR.join(chain[:length]) for pk, chain in chains.items()}
            if len({normalize(text) for text in shown.values()}) == len(shown):
                labels.update(shown)
                break
        else:
            labels.update({pk: f"#{pk} {name}" for pk, name, _path in same})
    return labels


def _ancestor_names(path: str, names: dict[str, str]) -> list[str]:
    """Names of the parent, grandparent… of the org at `path` (as far as `names` knows)."""
    found = []
    for end in range(len(path) - 4, 0, -4):
        name = names.get(path[:end])
        if name is None:
            break
        found.append(name)
    return found


def _template_lists(kind: str, root: Organization) -> dict[str, list[str]]:
    if kind in (Kind.MEMBERS, Kind.MEETINGS, Kind.ADMISSIONS, Kind.REVIEWS):
        cells = _org_labels(root, is_active=True, org_type__holds_members=True)
        return {"organization": sorted(cells.values())}
    if kind == Kind.USERS:
        return {
            "organization": sorted(_org_labels(root, is_active=True).values()),
            "role_organization": sorted(_org_labels(root, is_active=True).values()),
            "role": [role.name for role in Role.objects.order_by("name")],
        }
    if kind == Kind.ORG_REVIEWS:
        return {"organization": sorted(_org_labels(root, is_active=True).values())}
    if kind == Kind.HISTORY:  # past periods: dissolved cells too, or outside the system
        cells = _org_labels(root, org_type__holds_members=True)
        return {"organization": [shapes.OUTSIDE_TREE, *sorted(cells.values())]}
    parents = _org_labels(root, is_active=True, org_type__holds_members=False)
    return {
        "org_type": [t.name for t in OrgType.objects.all()],
        "parent": sorted(parents.values()),
    }


def template_bytes(kind: str, *, user, root: Organization) -> bytes:
    check_can_import(user, root, kind)
    shape = rules.SHAPES[kind]
    return xlsx.build_workbook(shape, [], _template_lists(kind, root), example=True)


def export_bytes(kind: str, *, user, root: Organization) -> tuple[bytes, DataExport]:
    """The same shape as the template, filled with what the user may see under root.
    Logged (DataExport + an access entry in the audit log)."""
    if not has_permission(user, VIEW_PERMISSION.get(kind, f"{kind}.view"), root.path):
        raise DomainError("Bạn không có quyền xuất dữ liệu của tổ chức này.", "organization")
    shape = rules.SHAPES[kind]
    source = {
        Kind.MEMBERS: _member_rows,
        Kind.ORGANIZATIONS: _org_rows,
        Kind.MEETINGS: _meeting_rows,
        Kind.ADMISSIONS: _candidate_rows,
        Kind.REVIEWS: _review_rows,
        Kind.ORG_REVIEWS: _org_review_rows,
        Kind.USERS: _user_rows,
        Kind.HISTORY: _history_rows,
    }
    rows = list(source[kind](user, root))
    content = xlsx.build_workbook(shape, rows, _template_lists(kind, root), example=False)
    with set_actor(user):
        export = DataExport.objects.create(
            kind=kind,
            organization=root,
            user=user,
            row_count=len(rows),
            with_identity=kind in (Kind.MEMBERS, Kind.ADMISSIONS, Kind.REVIEWS, Kind.HISTORY)
            and IdentityMask(user).anywhere,
        )
        accessed.send(sender=DataExport, instance=export)
    return content, export


def may_download_file(job: ImportJob, user) -> bool:
    """The kept upload holds whatever its author put in it (full ID numbers, in any column,
    mapped or not): only users who see ID numbers in full on the job's org may have it."""
    return IdentityMask(user).shows(job.organization.path)


def kept_file_copy(job: ImportJob, user) -> tuple[bytes, int]:
    """The data sheet of the kept upload, as the import read it, re-written through
    core.exports: values only (formulas of the upload are not handed on), text that looks like
    a formula stays text. The original stays untouched in storage. (bytes, rows)."""
    if not may_download_file(job, user):
        raise DomainError("Bạn không được xem số định danh đầy đủ của phạm vi này.", "file")
    if not job.file:
        raise DomainError("Tệp của lần nhập đã hủy không còn được lưu.", "file")
    book = new_workbook(write_only=True, letterhead=False)  # the upload as read
    sheet = book.create_sheet("Dữ liệu")
    rows = 0
    with job.file.open("rb") as fileobj:
        source = pipeline.open_sheet(fileobj, job.file_name)
        sheet.append(list(source.headers))
        for _number, values in source.rows:
            sheet.append(list(values))
            rows += 1
    return workbook_bytes(book), rows


def report_for(job: ImportJob, user) -> dict:
    """The job's report as `user` may read it: ID numbers in error messages and in old → new
    changes masked unless the user sees them in full on the job's org."""
    report = dict(job.report or {})
    shown = IdentityMask(user)
    path = job.organization.path
    if shown.shows(path):
        return report

    def hide(value):
        return shown.in_text(value, path) if isinstance(value, str) else value

    report["errors"] = [
        {**error, "message": hide(error.get("message", ""))} for error in report.get("errors", [])
    ]
    report["updates"] = [
        {
            **update,
            "changes": [[label, hide(old), hide(new)] for label, old, new in update["changes"]],
        }
        for update in report.get("updates", [])
    ]
    return report


def _d(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def _member_rows(user, root: Organization):
    shape = rules.MEMBER_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    fields = [c.field for c in shape.columns if c.field not in ("id", "organization")]
    qs = (
        Member.objects.restrict(user)
        .filter(org_path__startswith=root.path)
        .order_by("org_path", "name_search", "pk")
        .values_list("pk", "organization_id", "org_path", *fields)
    )
    for pk, org_id, path, *values in qs.iterator(chunk_size=BATCH):
        record = dict(zip(fields, values, strict=True))
        row = [pk]
        for column in shape.columns[1:-1]:
            value = record[column.field]
            if column.kind == "date":
                value = _d(value)
            elif column.field in labels:
                value = labels[column.field].get(value, value)
            elif column.field == "id_number":
                value = shown_id(value, path)
            row.append(value)
        row.append(orgs.get(org_id, f"#{org_id}"))
        yield row


def _org_rows(user, root: Organization):
    labels = _org_labels(root)
    founded = {
        e["organization_id"]: e
        for e in OrgEvent.objects.filter(
            kind=OrgEvent.Kind.FOUNDED, organization__path__startswith=root.path
        ).values("organization_id", "decision_number", "signer")
    }
    types = dict(OrgType.objects.values_list("pk", "name"))
    by_path = {root.path: root.pk}
    qs = (
        Organization.objects.restrict(user)
        .filter(path__startswith=root.path)
        .exclude(pk=root.pk)
        .order_by("path")
    )
    for org in qs.values("pk", "name", "code", "org_type_id", "path", "founded_on"):
        by_path[org["path"]] = org["pk"]
        parent_id = by_path.get(org["path"][:-4])
        event = founded.get(org["pk"], {})
        yield [
            org["pk"],
            org["name"],
            org["code"],
            types[org["org_type_id"]],
            labels.get(parent_id, "") if parent_id else "",
            _d(org["founded_on"]),
            event.get("decision_number", ""),
            event.get("signer", ""),
        ]


def _meeting_rows(user, root: Organization):
    """Held meetings under root, in the import shape (labels for choices, dates dd/mm/yyyy)."""
    shape = rules.MEETING_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    qs = (
        Meeting.objects.restrict(user)
        .filter(organization__path__startswith=root.path, status=MeetingStatus.HELD)
        .order_by("organization__path", "planned_on", "pk")
        .values_list("pk", "organization_id", *pipeline.MEETING_FIELDS)
    )
    for pk, org_id, *values in qs.iterator(chunk_size=BATCH):
        record = dict(zip(pipeline.MEETING_FIELDS, values, strict=True))
        row = [pk, orgs.get(org_id, f"#{org_id}")]
        for column in shape.columns[2:]:
            value = record[column.field]
            if column.kind == "date":
                value = _d(value)
            elif column.field in labels:
                value = labels[column.field].get(value, value)
            row.append(value)
        yield row


def _candidate_rows(user, root: Organization):
    """Admission files under root (every stage), in the import shape; identity numbers
    masked where the user may not see members' identities."""
    shape = rules.ADMISSION_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    qs = (
        AdmissionFile.objects.restrict(user)
        .filter(organization__path__startswith=root.path)
        .order_by("organization__path", "name_search", "pk")
        .values_list("pk", "organization_id", "organization__path", *pipeline.CANDIDATE_FIELDS)
    )
    for pk, org_id, path, *values in qs.iterator(chunk_size=BATCH):
        record = dict(zip(pipeline.CANDIDATE_FIELDS, values, strict=True))
        row = [pk]
        for column in shape.columns[1:]:
            if column.field == "organization":
                row.append(orgs.get(org_id, f"#{org_id}"))
                continue
            value = record[column.field]
            if column.kind == "date":
                value = _d(value)
            elif column.field in labels:
                value = labels[column.field].get(value, value)
            elif column.field == "id_number":
                value = shown_id(value, path)
            row.append(value)
        yield row


def _review_rows(user, root: Organization):
    """Final results of the years no longer open under root, one row per member and year, in
    the import shape (the member's system id first, ID numbers masked where the user may not
    see identities). The open year is left out: its results are not imported."""
    shape = rules.REVIEW_SHAPE
    labels = {c.field: dict(c.choices) for c in shape.columns if c.choices}
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    qs = (
        MemberReview.objects.restrict(user)
        .filter(organization__path__startswith=root.path)
        .exclude(review_year__state=ReviewYear.State.OPEN)
        .order_by("review_year__year", "organization__path", "member__name_search", "pk")
        .values_list(
            "member_id",
            "member__full_name",
            "member__birth_date",
            "member__id_number",
            "member__org_path",
            "organization_id",
            "review_year__year",
            "final_grade",
            "exemption",
            "total_score",
        )
    )
    for member_id, name, birth, number, path, org_id, year, grade, exemption, score in qs.iterator(
        chunk_size=BATCH
    ):
        yield [
            member_id,
            name,
            _d(birth),
            shown_id(number, path),
            orgs.get(org_id, f"#{org_id}"),
            year,
            labels["grade"].get(grade, grade),
            labels["exemption"].get(exemption, exemption),
            None,
            float(score) if score is not None else None,
        ]


def _org_review_rows(user, root: Organization):
    """Final grades of classified orgs in the years no longer open under root."""
    grades = dict(rules.ORG_REVIEW_SHAPE.column("grade").choices)
    orgs = _org_labels(root)
    qs = (
        OrgReview.objects.restrict(user)
        .filter(organization__path__startswith=root.path, is_classified=True)
        .exclude(review_year__state=ReviewYear.State.OPEN)
        .exclude(final_grade="")
        .order_by("review_year__year", "organization__path", "pk")
        .values_list("organization_id", "review_year__year", "final_grade")
    )
    for org_id, year, grade in qs.iterator(chunk_size=BATCH):
        yield [org_id, orgs.get(org_id, f"#{org_id}"), year, grades.get(grade, grade), None]


def _user_rows(user, root: Organization):
    return user_rows(user, root, _org_labels(root))


def _history_rows(user, root: Organization):
    """Each member's placements (the current one open) and statuses after the first, in the
    import shape: imported back, a member's rows are «không đổi»."""
    statuses = dict(Status.choices)
    orgs = _org_labels(root)
    shown_id = IdentityMask(user)
    members = list(
        Member.objects.restrict(user)
        .filter(org_path__startswith=root.path)
        .exclude(status=Status.MERGED)
        .order_by("org_path", "name_search", "pk")
        .values_list("pk", "full_name", "id_number", "org_path", "admitted_on")
    )
    for start in range(0, len(members), BATCH):
        chunk = members[start : start + BATCH]
        ids = [m[0] for m in chunk]
        periods: dict[int, list] = {}
        for member_id, *values in Placement.objects.filter(member_id__in=ids).values_list(
            "member_id", "valid_from", "valid_to", "organization_id", "decision_number", "note"
        ):
            periods.setdefault(member_id, []).append(("Sinh hoạt", *values))
        for member_id, *values in StatusPeriod.objects.filter(member_id__in=ids).values_list(
            "member_id", "valid_from", "status", "decision_number", "note"
        ):
            periods.setdefault(member_id, []).append(("Trạng thái", *values))
        for pk, name, number, path, admitted in chunk:
            head = [pk, shown_id(number, path), name]
            for entry, begin, *rest in sorted(periods.get(pk, []), key=lambda p: (p[0], p[1])):
                if entry == "Sinh hoạt":
                    end, org_id, decision, note = rest
                    org = orgs.get(org_id, f"#{org_id}")
                    yield [*head, entry, _d(begin), _d(end), org, None, decision, note]
                elif not (rest[0] == Status.PROBATIONARY and begin == admitted):
                    status, decision, note = rest
                    yield [*head, entry, _d(begin), None, None, statuses[status], decision, note]
