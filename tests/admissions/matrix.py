"""Permission-matrix rows for admissions: screens, papers and API (see docs/DEVELOPING.md)."""

from datetime import date

from dangbo.admissions import services
from dangbo.committees import services as committee_services
from tests.permission_matrix import Case

CANDIDATES = {
    "inside": ("Võ Minh Khang", "079200001234", "cell_a"),
    "outside": ("Hà Thị Lan", "079200004321", "village"),
}


def _files(data) -> dict:
    """One open file and one target inside (cell_a) and outside (the village); cached."""
    if "admission_inside" not in data:
        for side, (name, id_number, org) in CANDIDATES.items():
            data[f"admission_{side}"] = services.open_file(
                organization=data[org],
                identified_on=date(2024, 9, 1),
                full_name=name,
                gender="M",
                birth_date=date(2000, 1, 1),
                id_number=id_number,
            )
            data[f"target_{side}"] = services.set_target(
                organization=data[org], year=2026, target=3
            )
    return data


def _terms(data) -> dict:
    """A term of office of the committee (inside) and of the village (outside); cached."""
    if "term_inside" not in data:
        for side, org in (("inside", "committee"), ("outside", "village")):
            term = committee_services.record_congress(
                organization=data[org],
                term_name="2020–2025",
                held_on=date(2020, 10, 15),
                delegates_summoned=100,
                delegates_present=90,
            ).term
            data[f"term_{side}"] = term
            data[f"term_target_{side}"] = services.set_term_target(
                organization=data[org], term=term, target=5
            )
    return data


def _file(side):
    return lambda d: {"pk": _files(d)[f"admission_{side}"].pk}


def decided(d):
    """The inside file walked to its admission decision (a member now); cached."""
    if "admission_decided" not in d:
        from dangbo.admissions.rules import Stage
        from tests.admissions.helpers import walk

        d["admission_decided"] = walk(_files(d)["admission_inside"], d, Stage.DECIDED)
    return d["admission_decided"]


def recognised(d):
    """The inside file walked on to its official recognition; cached."""
    if "admission_recognised" not in d:
        from dangbo.admissions.rules import Stage
        from tests.admissions.helpers import walk_on

        d["admission_recognised"] = walk_on(decided(d), Stage.RECOGNISED)
    return d["admission_recognised"]


def _target(side):
    return lambda d: {"pk": _files(d)[f"target_{side}"].pk}


def _step(side, stage="course"):
    return lambda d: {"pk": _files(d)[f"admission_{side}"].pk, "stage": stage}


def _paper(side):
    def kwargs(d):
        file = _files(d)[f"admission_{side}"]
        return {"pk": file.pk, "step": file.steps.get().pk}

    return kwargs


def _name(side):
    return lambda d: _files(d)[f"admission_{side}"].full_name


def _api_list(name, key):
    return Case(
        name,
        "admissions.view",
        inside=lambda d: (_files(d), {})[1],
        denied=200,
        listed=lambda d: d[f"{key}_inside"].pk,
        unlisted=lambda d: d[f"{key}_outside"].pk,
        query=lambda d: {"org": d["village"].pk, "organization": d["village"].pk},
    )


def _candidate(org) -> dict:
    return {
        "organization": org.pk,
        "full_name": "Đinh Công Tráng",
        "gender": "M",
        "birth_date": "01/02/2001",
        "identified_on": "01/09/2025",
        "ethnicity": "Kinh",
    }


def _api_candidate(org) -> dict:
    return {**_candidate(org), "birth_date": "2001-02-01", "identified_on": "2025-09-01"}


def _introduced_by(member) -> dict:
    return {
        "stage": "introduced",
        "date": "2025-10-01",
        "introducers": [{"member": member.pk, "since": "2024-01-01"}],
    }


CASES = [
    Case(
        "admissions:index",
        "admissions.view",
        inside=lambda d: (_files(d), {})[1],
        listed=_name("inside"),
        unlisted=_name("outside"),
        query=lambda d: {"org": d["village"].pk},
    ),
    # Naming a candidate and the steps up to the cell's vote are the cell's work.
    Case("admissions:create", "admissions.cell_steps"),
    Case(
        "admissions:create",
        "admissions.cell_steps",
        method="post",
        outside_body=lambda d: _candidate(d["village"]),
    ),
    Case(
        "admissions:targets",
        "admissions.view",
        query=lambda d: {"org": d["village"].pk},
        query_ok=404,
    ),
    Case(
        "admissions:term_admitted",
        allowed=lambda role: role.grants("admissions.view") and role.grants("members.view"),
        query=lambda d: {"org": d["village"].pk},
        query_ok=404,
    ),
    Case("admissions:target_set", "admissions.change", query=lambda d: {"org": d["village"].pk}),
    Case(
        "admissions:target_set",
        "admissions.change",
        method="post",
        outside_body=lambda d: {"organization": d["village"].pk, "year": 2026, "target": 2},
    ),
    Case(
        "admissions:term_target_set",
        "admissions.change",
        inside=lambda d: (_terms(d), {})[1],
        query=lambda d: {"org": d["village"].pk},
    ),
    Case(
        "admissions:term_target_set",
        "admissions.change",
        method="post",
        outside_body=lambda d: {
            "organization": d["village"].pk,
            "term": _terms(d)["term_outside"].pk,
            "target": 2,
        },
    ),
    Case("admissions:detail", "admissions.view", inside=_file("inside"), outside=_file("outside")),
    Case("admissions:docx", "admissions.view", inside=_file("inside"), outside=_file("outside")),
    Case(
        "admissions:step_docx",
        "admissions.view",
        inside=_paper("inside"),
        outside=_paper("outside"),
    ),
    Case(
        "admissions:step", "admissions.cell_steps", inside=_step("inside"), outside=_step("outside")
    ),
    Case(  # a step beyond the cell's vote (closing the file) is the committee's
        "admissions:step",
        "admissions.change",
        inside=_step("inside", "closed"),
        outside=_step("outside", "closed"),
    ),
    Case(
        "admissions:extend", "admissions.change", inside=_file("inside"), outside=_file("outside")
    ),
    # whoever may record the last step may take it back (here the cell's opening step)
    Case(
        "admissions:withdraw",
        "admissions.cell_steps",
        inside=_file("inside"),
        outside=_file("outside"),
    ),
    # issues the decision in the committee's register (once), answers the DOCX
    Case(
        "admissions:decision",
        "admissions.change",
        inside=lambda d: {"pk": decided(d).pk},
        outside=_file("outside"),
        method="post",
    ),
    _api_list("admission-file-list", "admission"),
    Case(
        "admission-file-list",
        "admissions.change",
        method="post",
        ok=400,  # allowed, and the empty body is refused with field messages
        denied=400,
        outside_body=lambda d: _api_candidate(d["village"]),
    ),
    Case(
        "admission-file-detail",
        "admissions.view",
        inside=_file("inside"),
        outside=_file("outside"),
    ),
    Case(
        "admission-file-steps",
        "admissions.change",
        inside=_file("inside"),
        outside=_file("outside"),
        method="post",
        ok=400,  # allowed, and the empty body is refused with field messages
        outside_body=lambda d: _introduced_by(d["outside_member"]),
    ),
    Case(
        "admission-file-withdraw",
        "admissions.cell_steps",
        inside=_file("inside"),
        outside=_file("outside"),
        method="post",
        ok=400,  # allowed, and the empty body is refused with field messages
    ),
    Case(
        "admission-file-extend",
        "admissions.change",
        inside=_file("inside"),
        outside=_file("outside"),
        method="post",
        ok=400,
    ),
    _api_list("admission-target-list", "target"),
    Case(
        "admission-term-target-list",
        "admissions.view",
        inside=lambda d: (_terms(d), {})[1],
        denied=200,
        listed=lambda d: d["term_target_inside"].pk,
        unlisted=lambda d: d["term_target_outside"].pk,
        query=lambda d: {"organization": d["village"].pk},
    ),
    Case(
        "admission-term-target-detail",
        "admissions.view",
        inside=lambda d: {"pk": _terms(d)["term_target_inside"].pk},
        outside=lambda d: {"pk": _terms(d)["term_target_outside"].pk},
    ),
    Case(
        "admission-target-detail",
        "admissions.view",
        inside=_target("inside"),
        outside=_target("outside"),
    ),
]
