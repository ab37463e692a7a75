"""What reviews answers to other apps (see dangbo.core.hooks).

- ``reviews.streaks``: members and classified orgs under a path rated Excellent in
  consecutive years up to a year (recognition proposes commendations from them).
- sends ``hooks.classification_confirmed`` when a review year is closed (grades final).
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
