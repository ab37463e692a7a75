"""Read-replica routing for reports (dangbo.core.db)."""

import pytest
from django.db import DEFAULT_DB_ALIAS, transaction

from dangbo.core import db


@pytest.fixture
def replica(monkeypatch, settings):
    """A configured replica whose probe answers what the test says."""
    monkeypatch.setattr(db, "replica_configured", lambda: True)
    settings.DANGBO_REPLICA_MAX_LAG_SECONDS = 10
    settings.DANGBO_REPLICA_CHECK_SECONDS = 60
    answer = {"lag": 0.0}

    def probe(alias=db.REPLICA_ALIAS):
        if isinstance(answer["lag"], Exception):
            raise answer["lag"]
        return answer["lag"]

    monkeypatch.setattr(db, "probe_lag", probe)
    db.reset_state()
    yield answer
    db.reset_state()


def test_without_replica_everything_reads_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with db.reporting():
        assert db.read_alias() == DEFAULT_DB_ALIAS


def test_reports_read_the_replica_only_inside_reporting(replica):
    assert db.read_alias() == DEFAULT_DB_ALIAS
    with db.reporting():
        assert db.read_alias() == db.REPLICA_ALIAS
    assert db.read_alias() == DEFAULT_DB_ALIAS


def test_reporting_is_a_decorator_too(replica):
    @db.reporting()
    def report():
        return db.read_alias()

    assert report() == db.REPLICA_ALIAS


def test_lagging_replica_falls_back_to_the_primary(replica):
    replica["lag"] = 11.0
    with db.reporting():
        assert db.read_alias() == DEFAULT_DB_ALIAS
    state = db.replica_state()
    assert not state.usable and state.lag == 11.0


def test_replica_down_falls_back_and_is_probed_again_later(replica, settings):
    replica["lag"] = ConnectionError("replica down")
    with db.reporting():
        assert db.read_alias() == DEFAULT_DB_ALIAS
    replica["lag"] = 0.5
    with db.reporting():  # still the cached verdict within DANGBO_REPLICA_CHECK_SECONDS
        assert db.read_alias() == DEFAULT_DB_ALIAS
    settings.DANGBO_REPLICA_CHECK_SECONDS = 0
    with db.reporting():
        assert db.read_alias() == db.REPLICA_ALIAS


@pytest.mark.django_db
def test_inside_a_primary_transaction_reads_stay_on_the_primary(replica):
    with transaction.atomic(), db.reporting():
        assert db.read_alias() == DEFAULT_DB_ALIAS


def test_writes_and_migrations_always_go_to_the_primary(replica):
    router = db.ReplicaRouter()
    with db.reporting():
        assert router.db_for_write(None) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "members")
    assert not router.allow_migrate(db.REPLICA_ALIAS, "members")
    assert router.allow_migrate("dangbo_move_target", "members")


def test_report_views_read_inside_reporting(admin_client, tree, monkeypatch):
    seen = []
    original = db.read_alias

    def spy():
        seen.append(db.in_reporting())
        return original()

    monkeypatch.setattr(db, "read_alias", spy)
    response = admin_client.get("/reports/members/", {"org": tree["province"].pk})
    assert response.status_code == 200
    assert any(seen), "no read of the report ran inside reporting()"


@pytest.mark.django_db
def test_lag_probe_answers_zero_on_a_primary():
    # On PostgreSQL the query runs for real (not in recovery → 0); on SQLite it is skipped.
    assert db.probe_lag(DEFAULT_DB_ALIAS) == 0.0
