"""Read-replica routing for reports.

With `DANGBO_REPLICA_URL` set, settings add a "replica" database alias and this router. Code
that only reads and may see data a few seconds old (statistics, dashboards, exports) runs
inside `reporting()`:

    with reporting():
        table = build_member_table(...)

    @reporting()
    def dispatch(...): ...

Inside it, reads go to the replica while the replica answers and its replay lag is at most
`DANGBO_REPLICA_MAX_LAG_SECONDS`; otherwise (replica down, lagging, not configured, or a
transaction open on the primary) they stay on the primary. Writes always go to the primary, so
an access log written from a report view lands where it must. The replica's state is probed at
most every `DANGBO_REPLICA_CHECK_SECONDS` per process.
"""

import contextvars
import logging
import time
from contextlib import ContextDecorator, suppress
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
_reporting = contextvars.ContextVar("dangbo_reporting", default=False)

# The replica's replay lag in seconds (0 when caught up; NULL → not in recovery: a promoted
# replica or a plain server, no lag).
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


class reporting(ContextDecorator):  # noqa: N801  (used like a function: `with reporting():`)
    """Route the reads inside to the read replica when it is healthy (see module docstring)."""

    def __enter__(self):
        self._token = _reporting.set(True)
        return self

    def __exit__(self, *exc):
        _reporting.reset(self._token)
        return False


def in_reporting() -> bool:
    return _reporting.get()


@dataclass
class ReplicaState:
    usable: bool
    lag: float | None  # seconds; None when the replica did not answer
    checked_at: float


_state: ReplicaState | None = None


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def probe_lag(alias: str = REPLICA_ALIAS) -> float:
    """The replica's replay lag in seconds; raises if it does not answer."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0] or 0)


def replica_state(force: bool = False) -> ReplicaState:
    """The replica's usability, probed at most every DANGBO_REPLICA_CHECK_SECONDS."""
    global _state
    now = time.monotonic()
    period = getattr(settings, "DANGBO_REPLICA_CHECK_SECONDS", 5.0)
    if not force and _state is not None and now - _state.checked_at < period:
        return _state
    max_lag = getattr(settings, "DANGBO_REPLICA_MAX_LAG_SECONDS", 30.0)
    try:
        lag = probe_lag()
    except Exception as error:  # a replica that is down must never break a report
        log.warning("replica unavailable, reading from the primary: %s", error)
        with suppress(Exception):  # the connection is already broken
            connections[REPLICA_ALIAS].close()
        _state = ReplicaState(usable=False, lag=None, checked_at=now)
        return _state
    if lag > max_lag:
        log.warning("replica lags %.1f s (max %.1f s), reading from the primary", lag, max_lag)
    _state = ReplicaState(usable=lag <= max_lag, lag=lag, checked_at=now)
    return _state


def reset_state() -> None:
    global _state
    _state = None


def read_alias() -> str:
    """Where a read should go now."""
    if not in_reporting() or not replica_configured():
        return DEFAULT_DB_ALIAS
    # Inside a transaction on the primary, read what that transaction sees.
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA_ALIAS if replica_state().usable else DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads inside `reporting()` → replica (when healthy); everything else → primary."""

    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: same rows

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA_ALIAS  # the replica replays the primary's schema
