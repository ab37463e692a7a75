"""Recognition reacts to other apps' events (see dangbo.core.hooks)."""

from django.dispatch import receiver

from dangbo.core import hooks
from dangbo.recognition import services


@receiver(hooks.classification_confirmed, dispatch_uid="recognition.streak_proposals")
def propose_commendations(sender, review_year, user=None, **kwargs):
    """A review year's grades are final: propose commendations for the Excellent streaks."""
    services.propose_from_streaks(path=review_year.organization.path, year=review_year.year)
