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


def _api(basename, key, permission="committees.view"):
    return [
        Case(
            f"{basename}-list",
            permission,
            inside=_built,
            denied=200,
            listed=lambda d: _side(d, "inside")[key].pk,
            unlisted=lambda d: _side(d, "outside")[key].pk,
        ),
        Case(f"{basename}-detail", permission, inside=obj(key), outside=out(key)),
    ]


def _post(name, key, permission="committees.change"):
    return Case(name, permission, inside=obj(key), outside=out(key), method="post", ok=400)


CASES = [
    Case(
        "committees:index",
        "committees.view",
        inside=_built,
        listed=lambda d: _side(d, "inside")["org"].name,
        unlisted=lambda d: _side(d, "outside")["org"].name,
    ),
    _screen("org", "org"),
    _screen("org_export", "org"),
    _screen("congress_add", "org", "committees.change"),
    _screen("change_add", "org", "committees.change"),
    _screen("scope", "org"),
    _screen("scope_export", "org"),
    _screen("scope_add", "org", "committees.change"),
    _screen("congress", "congress"),
    _screen("election_add", "congress", "committees.change"),
    Case("committees:holders", "committees.view"),
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
    _screen("candidate_remove", "candidate", "committees.change_planning"),
    Case(
        "committees:comments",
        "committees.view",
        inside=_built,
        listed=lambda d: _side(d, "inside")["appointment"].post,
    ),
    Case("committees:appointment_add", "committees.change"),
    _screen("appointment_respond", "appointment", "committees.change"),
    Case("committees:residence_add", "committees.change"),
    _screen("residence_respond", "residence", "committees.change"),
    Case("committees:pick_org", None),
    Case("committees:pick_member", None),
    *_api("committee-term", "term"),
    *_api("congress", "congress"),
    _post("congress-election", "congress"),
    *_api("committee-election", "election"),
    *_api("party-post", "period"),
    *_api("committee-change", "change"),
    *_api("agency-position", "agency"),
    *_api("management-scope", "scope"),
    *_api("planned-post", "planned", "committees.view_planning"),
    *_api("planning-candidate", "candidate", "committees.view_planning"),
    *_api("appointment-comment", "appointment"),
    _post("appointment-comment-respond", "appointment"),
    *_api("residence-comment", "residence"),
    _post("residence-comment-respond", "residence"),
]
