"""The derived report counts are kept current by the system: a report that needed a month end
not counted (or touched since) queues a recount once; an import or a seed queues the whole
recount; the task worker does it and the next report reads the counted rows."""

from datetime import date

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from dangbo.core import hooks
from dangbo.imports import tasks as import_tasks
from dangbo.organizations.models import Organization
from dangbo.reports import month_ends, tasks, upkeep
from dangbo.reports.models import BreakdownSummary, MonthEndRun
from tests import factories

pytestmark = pytest.mark.django_db
END = date(2024, 6, 30)


@pytest.fixture(autouse=True)
def no_margin(settings):
    settings.DANGBO_MONTH_END_MARGIN_SECONDS = 0


def _queued() -> list:
    rows = DBTaskResult.objects.filter(task_path=tasks.recount.module_path, status="READY")
    return [row.args_kwargs["args"][0] for row in rows]


# Transactional: the worker closes its connection after each task, as in production.
@pytest.mark.django_db(transaction=True)
def test_a_report_needing_an_uncounted_month_end_queues_one_recount(
    migration_data, tree, django_capture_on_commit_callbacks
):
    province = Organization.objects.get(pk=tree["province"].pk)
    for _ in range(3):  # a busy report page: one queued recount, not three
        with django_capture_on_commit_callbacks(execute=True):
            assert month_ends.serving_run(province, END, "status", True) is None
    assert _queued() == [["2024-06-30"]]
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert _queued() == []
    run = month_ends.serving_run(province, END, "status", True)
    assert run is not None and run.on == END
    counted = month_ends.count_table(province, run, "status", True)
    assert sum(counted.values()) == 5  # the tree fixture's members, all admitted before 2024


def test_a_backdated_change_queues_the_touched_month_end_again(
    tree, django_capture_on_commit_callbacks
):
    month_ends.refresh([END], today=date(2026, 11, 24))
    province = Organization.objects.get(pk=tree["province"].pk)
    assert month_ends.serving_run(province, END, "status", False) is not None
    factories.member(
        tree["cell_a"], "Hồ Sơ Bổ Sung", admitted_on=date(2023, 3, 1), official_on=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert month_ends.serving_run(province, END, "status", False) is None
    assert _queued() == [["2024-06-30"]]
    counted = upkeep.recount(["2024-06-30"])  # with every other month end not counted yet
    assert counted == len(month_ends.default_dates(date.today())) > 1
    run = month_ends.serving_run(province, END, "status", False)
    assert sum(month_ends.count_table(province, run, "status", False).values()) == 6


def test_a_committed_import_queues_the_whole_recount_once(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(import_tasks.services, "run_step", lambda job_id, step: None)
    with django_capture_on_commit_callbacks(execute=True):
        import_tasks.run_import_step.call(1, "validate")
    assert _queued() == []  # a check changes no member
    with django_capture_on_commit_callbacks(execute=True):
        import_tasks.run_import_step.call(1, "commit")
        hooks.register_changed.send(sender=None)  # e.g. a seed at the same time
    assert _queued() == [None]
    with django_capture_on_commit_callbacks(execute=True):  # a wider request covers a date
        assert upkeep.request_recount([END]) is False


def test_the_whole_recount_counts_breakdowns_and_default_month_ends(tree):
    counted = upkeep.recount(None)
    assert counted == len(month_ends.default_dates(date.today())) == MonthEndRun.objects.count()
    assert BreakdownSummary.objects.exists()
    assert upkeep.recount(None) == 0  # nothing touched since: nothing counted again
