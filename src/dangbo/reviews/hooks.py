"""What reviews answers to other apps (see dangbo.core.hooks).

- ``reviews.streaks``: members and classified orgs under a path rated Excellent in
  consecutive years up to a year (recognition proposes commendations from them).
- ``reviews.member_grades(member_ids, year)``: final grades of a year (committees' planning).
- sends ``hooks.classification_confirmed`` when a review year is closed (grades final).

Asks: ``committees.member_comments(member, year)`` — comments of the residence cell and of the
committee on the member, shown beside each year's review (they feed the annual review).
"""

from dangbo.core import hooks
from dangbo.reviews import services


@hooks.provide("reviews.streaks")
def streaks(*, path: str, up_to: int, min_years: int = 2) -> dict:
    """{"members": [{id, name, years}], "organizations": [{id, name, years}]}."""
    return {
        "members": [
            {"id": pk, "name": name, "years": n}
            for pk, name, n in services.excellent_streaks(path, up_to, min_years)
        ],
        "organizations": [
            {"id": pk, "name": name, "years": n}
            for pk, name, n in services.org_excellent_streaks(path, up_to, min_years)
        ],
    }


@hooks.provide("reviews.member_grades")
def member_grades(member_ids, year: int) -> dict:
    """{member id: final grade code} of the members' review in `year` (committees' planning
    warns on a 'not completed' grade)."""
    from dangbo.reviews.models import MemberReview

    rows = MemberReview.objects.filter(
        member_id__in=list(member_ids), review_year__year=year
    ).exclude(final_grade="")
    return dict(rows.values_list("member_id", "final_grade"))
