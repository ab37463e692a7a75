"""Permission-matrix rows for committees: screens, fragments and API (docs/DEVELOPING.md)."""

from datetime import date

from dangbo.committees import services
from dangbo.members.models import Member
from tests import factories
from tests.permission_matrix import Case


def _congress(org, members):
    congress = services.record_congress(
        organization=org,
        term_name="2020–2025",
        held_on=date(2020, 7, 10),
        delegates_summoned=50,
        delegates_present=48,
    )
    services.record_election(
        congress,
        body="committee",
        held_on=date(2020, 7, 10),
        seats=1,
        voters=48,
        results=[services.Vote(members[0], 40)],
    )
    return congress


def _side(d, side):
    """Committee records of one side, built once per data dict."""
    key = f"committees_{side}"
    if key not in d:
        org = d["committee"] if side == "inside" else d["village"]
        members = d["members_a"] if side == "inside" else d["village_members"]
        congress = _congress(org, members)
        post = services.add_planned_post(term=congress.term, title="Bí thư")
        member = members[0]
        Member.objects.filter(pk=member.pk).update(theory_level="advanced")
        member.refresh_from_db()
        d[key] = dict(
            org=org,
            congress=congress,
            term=congress.term,
            election=congress.elections.get(),
            period=member.party_posts.get(),
            change=services.record_change(
                organization=org,
                kind="resignation",
                member=member,
                post="committee_member",
                on=date(2022, 1, 1),
            ),
            agency=services.record_agency_position(
                member=member,
                category="government",
                title="Phó Giám đốc",
                agency="Sở",
                valid_from=date(2019, 1, 1),
            ),
            scope=services.add_scope(
                organization=org, valid_from=date(2015, 1, 1), party_post="secretary"
            ),
            planned=post,
            candidate=services.add_candidate(
                planned_post=post, member=member, added_on=date(2021, 1, 1)
            ),
            appointment=services.request_appointment_comment(
                organization=org,
                member=member,
                kind="appointment",
                post="Trưởng phòng",
                requesting_agency="Sở Nội vụ",
                requested_on=date(2025, 1, 1),
            ),
            residence=services.request_residence_comment(
                member=member,
                residence_org=factories.org(
                    f"Chi bộ khu dân cư {side}", "grassroots_cell", d["commune"]
                )
                if side == "outside"
                else d["cell_b"],
                year=2025,
                requested_on=date(2025, 1, 1),
            ),
        )
    return d[key]


def _built(d):
    """No URL kwargs; builds both sides first so lists can be checked for their rows."""
    _side(d, "inside")
    _side(d, "outside")
    return {}


def obj(name):
    return lambda d: {"pk": _side(d, "inside")[name].pk}


def out(name):
    return lambda d: {"pk": _side(d, "outside")[name].pk}


def _screen(name, key, permission="committees.view"):
    return Case(f"committees:{name}", permission, inside=obj(key), outside=out(key))


def _outside(d) -> dict:
    """Ids of an org and a member outside the subtree, for query strings."""
    return {
        "organization": d["village"].pk,
        "member": d["outside_member"].pk,
        "org": d["village"].pk,
    }


def _api(basename, key, permission="committees.view"):
    return [
        Case(
            f"{basename}-list",
            permission,
            inside=_built,
            denied=200,
            listed=lambda d: _side(d, "inside")[key].pk,
            unlisted=lambda d: _side(d, "outside")[key].pk,
            query=_outside,
        ),
        Case(f"{basename}-detail", permission, inside=obj(key), outside=out(key)),
    ]


def _post(name, key, permission="committees.change", outside_body=None):
    return Case(
        name,
        permission,
        inside=obj(key),
        outside=out(key),
        method="post",
        ok=400,
        outside_body=outside_body,
    )


def _create(basename, outside_body):
    """POST on an API list: 400 for the empty body whoever sends it; an allowed role naming
    an outside org or member gets 400 too, nothing written."""
    return Case(
        f"{basename}-list",
        "committees.change",
        inside=_built,
        method="post",
        ok=400,
        denied=400,
        outside_body=outside_body,
    )


def _form_post(name, outside_body, key=None, permission="committees.change"):
    """A form screen posted with an outside org or member: the form error, nothing written."""
    return Case(
        f"committees:{name}",
        permission,
        inside=obj(key) if key else None,
        method="post",
        outside_body=outside_body,
    )


def _change(d, api=False):
    return {
        "organization": d["committee"].pk,
        "kind": "additional_election",
        "member": d["outside_member"].pk,
        "post": "committee_member",
        ("date" if api else "on"): "2025-03-01" if api else "01/03/2025",
    }


def _appointment(d, api=False):
    return {
        "organization": d["village"].pk,
        "member": d["outside_member"].pk,
        "kind": "appointment",
        "post": "Trưởng phòng",
        "requesting_agency": "Sở Nội vụ",
        "requested_on": "2025-02-01" if api else "01/02/2025",
    }


def _residence(d, api=False):
    return {
        "member": d["outside_member"].pk,
        "residence_org": d["cell_b"].pk,
        "year": 2025,
        "requested_on": "2025-02-01" if api else "01/02/2025",
    }


CASES = [
    Case(
        "committees:index",
        "committees.view",
        inside=_built,
        listed=lambda d: _side(d, "inside")["org"].name,
        unlisted=lambda d: _side(d, "outside")["org"].name,
        query=lambda d: {"org": d["village"].pk},
        query_ok=404,
    ),
    _screen("org", "org"),
    _screen("org_export", "org"),
    _screen("congress_add", "org", "committees.change"),
    _screen("change_add", "org", "committees.change"),
    _form_post("change_add", _change, "org"),
    _screen("scope", "org"),
    _screen("scope_export", "org"),
    _screen("scope_add", "org", "committees.change"),
    _screen("congress", "congress"),
    _screen("election_add", "congress", "committees.change"),
    Case(
        "committees:holders",
        "committees.view",
        query=lambda d: {"org": d["village"].pk},
        query_ok=404,
    ),
    Case("committees:holders_export", "committees.view"),
    Case(
        "committees:agency_add",
        "committees.change",
        inside=lambda d: {"pk": d["inside_member"].pk},
        outside=lambda d: {"pk": d["outside_member"].pk},
    ),
    _screen("agency_end", "agency", "committees.change"),
    Case("committees:planning_index", "committees.view_planning"),
    _screen("planning", "term", "committees.view_planning"),
    _screen("planning_export", "term", "committees.view_planning"),
    _screen("planning_docx", "term", "committees.view_planning"),
    _screen("post_add", "term", "committees.change_planning"),
    _screen("candidate_add", "planned", "committees.change_planning"),
    _form_post(
        "candidate_add",
        lambda d: {"member": d["outside_member"].pk, "added_on": "01/02/2025"},
        "planned",
        "committees.change_planning",
    ),
    _screen("candidate_remove", "candidate", "committees.change_planning"),
    Case(
        "committees:comments",
        "committees.view",
        inside=_built,
        listed=lambda d: _side(d, "inside")["appointment"].post,
    ),
    Case("committees:appointment_add", "committees.change"),
    _form_post("appointment_add", _appointment),
    _screen("appointment_respond", "appointment", "committees.change"),
    Case("committees:residence_add", "committees.change"),
    _form_post("residence_add", _residence),
    _screen("residence_respond", "residence", "committees.change"),
    Case("committees:pick_org", None),
    Case("committees:pick_member", None, query=lambda d: {"q": "dang thi thuy"}),
    *_api("committee-term", "term"),
    *_api("congress", "congress"),
    _create(
        "congress",
        lambda d: {
            "organization": d["village"].pk,
            "term_name": "2025–2030",
            "held_on": "2025-07-10",
            "delegates_summoned": 50,
            "delegates_present": 48,
        },
    ),
    _post(
        "congress-election",
        "congress",
        outside_body=lambda d: {
            "body": "committee",
            "held_on": "2020-07-10",
            "seats": 1,
            "voters": 48,
            "results": [{"member": d["outside_member"].pk, "votes": 40}],
        },
    ),
    *_api("committee-election", "election"),
    *_api("party-post", "period"),
    *_api("committee-change", "change"),
    _create("committee-change", lambda d: _change(d, api=True)),
    *_api("agency-position", "agency"),
    _create(
        "agency-position",
        lambda d: {
            "member": d["outside_member"].pk,
            "category": "government",
            "title": "Phó Giám đốc",
            "agency": "Sở",
            "valid_from": "2019-01-01",
        },
    ),
    *_api("management-scope", "scope"),
    *_api("planned-post", "planned", "committees.view_planning"),
    *_api("planning-candidate", "candidate", "committees.view_planning"),
    *_api("appointment-comment", "appointment"),
    _create("appointment-comment", lambda d: _appointment(d, api=True)),
    _post("appointment-comment-respond", "appointment"),
    *_api("residence-comment", "residence"),
    _create("residence-comment", lambda d: _residence(d, api=True)),
    _post("residence-comment-respond", "residence"),
]
