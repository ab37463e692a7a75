"""Permission-matrix rows for the imports app: screens and API (docs/DEVELOPING.md).

A job belongs to the org it was uploaded under: inside jobs hang under cell_a, outside ones
under the village cell. Acting on a job (mapping, commit, rollback, retry) needs
imports.change; downloads of templates need imports.change plus the target's change code,
exports imports.change (the root is the user's import root) plus the target's view code.
Classification results (kinds "reviews", "org_reviews") are written with reviews.confirm.
"""

from django.core.files.base import ContentFile

from dangbo.imports.models import ImportJob
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, xlsx_bytes
from tests.permission_matrix import Case


def _job(org_key: str, state=ImportJob.State.MAPPING):
    def kwargs(data):
        key = f"_import_job_{org_key}_{state}"
        if key not in data:
            owner = factories.user(
                f"nhap_{org_key}_{state}", role_code="org_board_officer", on=data[org_key]
            )
            job = ImportJob(
                kind="members",
                organization=data[org_key],
                file_name="tep.xlsx",
                headers=MEMBER_HEADERS,
                mapping={str(i): c for i, c in enumerate(["id", "full_name"])},
                state=state,
                created_by=owner,
            )
            content = xlsx_bytes(MEMBER_HEADERS, [member_row()])
            job.file.save("tep.xlsx", ContentFile(content), save=False)
            job.save()
            data[key] = job
        return {"pk": data[key].pk}

    return kwargs


def _grants(*codes):
    return lambda role: all(role.grants(code) for code in codes)


INSIDE, OUTSIDE = _job("cell_a"), _job("village")
FAILED_INSIDE = _job("cell_a", ImportJob.State.FAILED)
FAILED_OUTSIDE = _job("village", ImportJob.State.FAILED)
COMMITTED_INSIDE = _job("cell_a", ImportJob.State.COMMITTED)
COMMITTED_OUTSIDE = _job("village", ImportJob.State.COMMITTED)


def _link(job_kwargs):
    return lambda data: f'href="/imports/{job_kwargs(data)["pk"]}/"'


_listed, _unlisted = _link(INSIDE), _link(OUTSIDE)


def _both_jobs(data) -> dict:
    INSIDE(data), OUTSIDE(data)
    return {}


CASES = [
    Case(
        "imports:index",
        "imports.view",
        inside=_both_jobs,
        denied=200,  # the list answers, with no job in it
        listed=_listed,
        unlisted=_unlisted,
    ),
    Case("imports:upload", "imports.change"),
    Case(
        "imports:upload",
        "imports.change",
        method="post",
        outside_body=lambda d: {"kind": "members", "organization": d["village"].pk},
    ),
    Case(
        "imports:template",
        inside=lambda d: {"kind": "members"},
        allowed=_grants("imports.change", "members.change"),
    ),
    Case(
        "imports:export",
        inside=lambda d: {"kind": "members"},
        allowed=_grants("imports.change", "members.view"),
    ),
    # classification results: writing final grades needs reviews.confirm, not reviews.change
    Case(
        "imports:template",
        inside=lambda d: {"kind": "reviews"},
        allowed=_grants("imports.change", "reviews.confirm"),
    ),
    Case(
        "imports:export",
        inside=lambda d: {"kind": "reviews"},
        allowed=_grants("imports.change", "reviews.view"),
    ),
    Case(
        "imports:template",
        inside=lambda d: {"kind": "org_reviews"},
        allowed=_grants("imports.change", "reviews.confirm"),
    ),
    # members' past placements and statuses: written with members.change (#22)
    Case(
        "imports:template",
        inside=lambda d: {"kind": "history"},
        allowed=_grants("imports.change", "members.change"),
    ),
    Case(
        "imports:export",
        inside=lambda d: {"kind": "history"},
        allowed=_grants("imports.change", "members.view"),
    ),
    Case("imports:detail", "imports.view", inside=INSIDE, outside=OUTSIDE),
    Case("imports:progress", "imports.view", inside=INSIDE, outside=OUTSIDE),
    # the kept upload: only to users who see ID numbers in full there (imports.views.JobFileView)
    Case(
        "imports:file",
        inside=INSIDE,
        outside=OUTSIDE,
        allowed=_grants("imports.view", "members.view_identity"),
    ),
    Case("imports:mapping", "imports.change", inside=INSIDE, outside=OUTSIDE),
    # POST actions: allowed → redirect to the job (a refused step becomes a message)
    Case("imports:commit", "imports.change", inside=INSIDE, outside=OUTSIDE, method="post", ok=302),
    Case(
        "imports:rollback",
        "imports.change",
        inside=INSIDE,
        outside=OUTSIDE,
        method="post",
        ok=302,
    ),
    # a committed job cannot be discarded: the refusal is a message (screen) or 400 (API), and
    # the cached jobs stay as they are for the other cases
    Case(
        "imports:discard",
        "imports.change",
        inside=COMMITTED_INSIDE,
        outside=COMMITTED_OUTSIDE,
        method="post",
        ok=302,
    ),
    Case(
        "imports:retry",
        "imports.change",
        inside=FAILED_INSIDE,
        outside=FAILED_OUTSIDE,
        method="post",
        ok=302,
    ),
    # API: reads need imports.view, actions imports.change (without it: 404); an action the
    # job's state refuses answers 400 with the Vietnamese message
    Case(
        "importjob-list",
        "imports.view",
        inside=_both_jobs,
        denied=200,
        listed=lambda d: INSIDE(d)["pk"],
        unlisted=lambda d: OUTSIDE(d)["pk"],
    ),
    Case(
        "importjob-list",
        "imports.change",
        method="post",
        ok=400,  # the empty body is refused, whoever sends it
        denied=400,
        outside_body=lambda d: {"kind": "members", "organization": d["village"].pk},
    ),
    Case("importjob-detail", "imports.view", inside=INSIDE, outside=OUTSIDE),
    Case(
        "importjob-discard",
        "imports.change",
        inside=COMMITTED_INSIDE,
        outside=COMMITTED_OUTSIDE,
        method="post",
        ok=400,
    ),
    Case("importjob-report", "imports.view", inside=INSIDE, outside=OUTSIDE),
    *[
        Case(
            f"importjob-{name}",
            "imports.change",
            inside=INSIDE,
            outside=OUTSIDE,
            method="post",
            ok=400,
        )
        for name in ("mapping", "commit", "rollback", "retry")
    ],
]
