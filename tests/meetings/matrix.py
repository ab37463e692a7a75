"""Permission-matrix rows for the meetings app: screens and API (docs/DEVELOPING.md)."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from dangbo.meetings import services
from dangbo.meetings.models import MeetingTask
from tests.meetings.conftest import criteria_set, held_meeting
from tests.permission_matrix import Case, api_list, outside_ids

CELLS = {"inside": ("cell_a", "members_a"), "outside": ("village", "village_members")}


def _meeting(d, side):
    key = f"_meeting_{side}"
    if key not in d:
        if "_meeting_criteria" not in d:
            d["_meeting_criteria"] = criteria_set(d["province"])
        cell, members = CELLS[side]
        d[key] = held_meeting(d[cell], d[members])
    return d[key]


def meeting(side):
    return lambda d: {"pk": _meeting(d, side).pk}


def cell(side):
    return lambda d: {"pk": d[CELLS[side][0]].pk}


def task(side):
    def kwargs(d):
        found = _meeting(d, side)
        members = d[CELLS[side][1]]
        resolution = services.adopt_resolution(
            found,
            content="Nghị quyết tháng 3",
            tasks=[services.TaskInput("Rà soát hồ sơ", members[0].pk, date(2026, 4, 1))],
        )
        return {"pk": MeetingTask.objects.get(resolution=resolution).pk}

    return kwargs


def assignment(side):
    def kwargs(d):
        row = services.assign_superior(
            organization=d[CELLS[side][0]], full_name="Trần Văn Cấp", valid_from=date(2026, 1, 1)
        )
        return {"pk": row.pk}

    return kwargs


def document(side):
    def kwargs(d):
        upload = SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4\n%%EOF\n")
        found = services.add_document(_meeting(d, side), title="Dự thảo", file=upload)
        return {"pk": found.pk}

    return kwargs


def criteria(side):
    def kwargs(d):
        org = d["committee"] if side == "inside" else d["commune"]
        return {"pk": criteria_set(org, name=f"Bộ tiêu chí {side}").pk}

    return kwargs


def _on(name, permission, make, **kw):
    return Case(
        f"meetings:{name}", permission, inside=make("inside"), outside=make("outside"), **kw
    )


def _record(d) -> dict:
    member = d["outside_member"].pk
    return {
        "held_on": "2026-03-05",
        "start": "14:00",
        "end": "16:00",
        "chair": member,
        "secretary": member,
        "attendance": [],
    }


def _resolution(d) -> dict:
    owner = d["outside_member"].pk
    return {
        "content": "Nghị quyết",
        "tasks": [{"description": "Rà soát", "owner": owner, "due_on": "2026-04-01"}],
    }


API_BODIES = {"record": _record, "resolutions": _resolution, "score": None}

CASES = [
    Case("meetings:index", "meetings.view", query=outside_ids),
    Case("meetings:stats", "meetings.view", query=outside_ids, query_ok=404),
    Case("meetings:criteria", "meetings.view"),
    Case("meetings:criteria_create", "meetings.manage_criteria"),
    Case(
        "meetings:criteria_create",
        "meetings.manage_criteria",
        method="post",
        outside_body=lambda d: {
            "organization": d["commune"].pk,
            "name": "Bộ tiêu chí",
            "valid_from": "01/01/2026",
            "criteria": "Chuẩn bị | 10",
        },
    ),
    _on("criteria_detail", "meetings.view", criteria),
    _on("cell", "meetings.view", cell),
    _on("plan", "meetings.change", cell),
    _on("plan_year", "meetings.change", cell),
    _on("assign", "meetings.change", cell),
    _on("assign_end", "meetings.change", assignment),
    _on("detail", "meetings.view", meeting),
    _on("prepare", "meetings.change", meeting),
    _on("document", "meetings.change", meeting),
    _on("document_file", "meetings.view", document),
    _on("superior", "meetings.change", meeting),
    _on("cancel", "meetings.change", meeting),
    _on("record", "meetings.change", meeting),
    _on("resolution", "meetings.change", meeting),
    _on("score", "meetings.change", meeting),
    # issues the minutes in the cell's register (once), answers DOCX
    _on("paper", "meetings.change", meeting, method="post"),
    _on("task_done", "meetings.change", task),
    # API
    api_list("meeting-list", "meetings.view", query=outside_ids),
    Case(
        "meeting-list",
        "meetings.change",
        method="post",
        ok=400,
        denied=400,
        outside_body=lambda d: {
            "organization": d["village"].pk,
            "kind": "regular",
            "planned_on": "2026-05-05",
        },
    ),
    Case("meeting-detail", "meetings.view", inside=meeting("inside"), outside=meeting("outside")),
    api_list("meeting-criteria-set-list", "meetings.view"),
    Case(
        "meeting-criteria-set-detail",
        "meetings.view",
        inside=criteria("inside"),
        outside=criteria("outside"),
    ),
    api_list("meeting-task-list", "meetings.view"),
    Case("meeting-task-detail", "meetings.view", inside=task("inside"), outside=task("outside")),
    *(
        Case(
            f"meeting-{action}",
            "meetings.change",
            inside=meeting("inside"),
            outside=meeting("outside"),
            method="post",
            ok=400,  # allowed; the empty body is refused with field messages
            outside_body=body,
        )
        for action, body in API_BODIES.items()
    ),
]
