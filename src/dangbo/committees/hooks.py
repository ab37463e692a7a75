"""What committees answers to other apps (dangbo.core.hooks).

- ``committees.member_positions(member, request)``: HTML of the member's party posts and
  agency positions for the member's record (members' detail page), or "" when the user may
  not see committee data for the member.
- ``committees.member_comments(member, year)``: the residence cell's and committees' comments
  on a member for a review year, as dicts (for the annual review).
- ``committees.positions_of(member, on=None)``: the member's party posts held on a day, as
  lines of text (the member's own record in the portal).
- ``committees.signer(org, on)``: who signs an org's papers on a day (the secretary, else a
  deputy) and whether the org has a committee and a standing committee (the signing block of
  `core.paper`).

Asks (default when nobody answers): ``reviews.member_grades(member_ids, year)`` →
``{member_id: grade code}`` for the planning warnings ("kht" = not completed).
"""

from django.template.loader import render_to_string
from django.utils import timezone

from dangbo.committees import queries
from dangbo.committees.models import (
    AppointmentComment,
    PartyPost,
    PostPeriod,
    ResidenceComment,
    valid_on,
)
from dangbo.core import hooks
from dangbo.core.permissions import has_permission


@hooks.provide("committees.member_positions")
def member_positions(member, request) -> str:
    if not has_permission(request.user, "committees.view", member.org_path):
        return ""
    today = timezone.localdate()
    party, agency = queries.current_posts_of(member, today)
    return render_to_string(
        "committees/_member_positions.html",
        {
            "party_posts": party,
            "agency_positions": agency,
            "member": member,
            "today": today,
            "can_change": has_permission(request.user, "committees.change", member.org_path),
        },
        request=request,
    )


@hooks.provide("committees.member_comments")
def member_comments(member, year: int) -> list[dict]:
    rows = []
    for comment in ResidenceComment.objects.filter(member=member, year=year).exclude(
        responded_on=None
    ):
        rows.append(
            {
                "source": "residence",
                "date": comment.responded_on,
                "assessment": comment.get_assessment_display(),
                "content": comment.content,
            }
        )
    for comment in AppointmentComment.objects.filter(member=member, responded_on__year=year):
        rows.append(
            {
                "source": "appointment",
                "date": comment.responded_on,
                "assessment": comment.get_opinion_display(),
                "content": comment.content,
            }
        )
    return rows


@hooks.provide("committees.positions_of")
def positions_of(member, on=None) -> list[str]:
    on = on or timezone.localdate()
    periods = (
        PostPeriod.objects.filter(valid_on(on), member=member)
        .select_related("organization")
        .order_by("valid_from", "id")
    )
    return [
        f"{p.get_post_display()} — {p.organization.name} (từ {p.valid_from:%d/%m/%Y})"
        for p in periods
    ]


@hooks.provide("committees.signer")
def signer(org, on) -> dict:
    posts = list(
        PostPeriod.objects.filter(valid_on(on), organization=org)
        .select_related("member")
        .order_by("valid_from", "id")
    )
    if not posts:
        return {}
    kinds = {p.post for p in posts}
    secretary = next((p for p in posts if p.post == PartyPost.SECRETARY), None)
    deputy = next((p for p in posts if p.post == PartyPost.DEPUTY_SECRETARY), None)
    chosen = secretary or deputy
    return {
        "name": chosen.member.full_name if chosen else "",
        "deputy": secretary is None and deputy is not None,
        # a committee: more than a lone secretary (a deputy or committee members elected)
        "has_committee": bool(kinds - {PartyPost.SECRETARY}),
        "has_standing": PartyPost.STANDING_MEMBER in kinds,
    }


def committee_facts(org, today) -> list[tuple]:
    """Who leads the org today (the signer's query)."""
    lead = signer(org, today)
    if not lead or not lead.get("name"):
        return [("Bí thư", "chưa có", None)]
    title = "Phó Bí thư (phụ trách)" if lead["deputy"] else "Bí thư"
    rows = [(title, lead["name"], None)]
    rows.append(("Cấp ủy", "có" if lead["has_committee"] else "chưa có", None))
    return rows


hooks.register_org_facts(
    hooks.OrgFacts(
        key="committees.lead",
        title="Cấp ủy",
        facts=committee_facts,
        permission="committees.view",
        order=10,
    )
)
