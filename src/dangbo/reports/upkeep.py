"""Keeping the derived counts current without anyone running a command.

Two read models make reports fast: `BreakdownSummary` (today's top levels by age band,
education…) and `MonthEndCount` (members at past month ends). A seed, a committed or rolled
back import (signal `hooks.register_changed`) and a report that found the month end it needed
missing or touched by a back-dated change ask for a recount; the task worker
(`dangbo db_worker`) does it. A request while an equal one is still queued is dropped, so a
busy report page enqueues one recount, not one per view. The report itself never waits: it
counts live (exact, slower) until the recount is done.
"""

import logging
from datetime import date

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from dangbo.core import hooks, jobs

logger = logging.getLogger(__name__)

EVERYTHING = None  # the breakdowns and the default month ends


def request_recount(dates: list[date] | None = EVERYTHING) -> bool:
    """Queue a recount (after the current transaction commits); False when an equal or wider
    request is already waiting."""
    from dangbo.reports import tasks

    wanted = None if dates is None else sorted({day.isoformat() for day in dates})
    waiting = jobs.waiting_args(tasks.recount)
    if waiting is None:  # not the database queue: run once the change is committed
        transaction.on_commit(lambda: _enqueue(wanted))
        return True
    # The database queue is transactional: the row is seen by later requests of this
    # transaction (no duplicate) and by the worker only once the change is committed.
    if any(_covers((args or [None])[0], wanted) for args in waiting):
        return False
    _enqueue(wanted)
    return True


def _covers(pending: list[str] | None, wanted: list[str] | None) -> bool:
    return pending is None or (wanted is not None and set(wanted) <= set(pending))


def _enqueue(wanted: list[str] | None) -> None:
    from dangbo.reports import tasks

    try:
        tasks.recount.enqueue(wanted)
    except Exception:  # a report must not fail because the queue is unreachable
        logger.exception("could not queue a recount of the report counts")


def recount(dates: list[str] | None = EVERYTHING) -> int:
    """Worker side: the breakdowns (when everything is asked) and every month end missing or
    touched since counted — the asked ones among them. One pass over the history counts any
    number of month ends for about the cost of one, so a report's request for its date also
    brings every other stale month end up to date. Returns month ends counted."""
    from dangbo.reports import month_ends, summaries

    if dates is None:
        summaries.refresh()
    asked = [date.fromisoformat(day) for day in dates or []]
    every = month_ends.default_dates(timezone.localdate())
    return month_ends.refresh(sorted(set(every) | set(asked)))


@receiver(hooks.register_changed, dispatch_uid="reports.recount_after_bulk_change")
def _recount_after_bulk_change(sender, **kwargs):
    request_recount()
