import pytest

from dangbo.imports import services
from tests import factories
from tests.imports.helpers import upload


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    """Background steps run inline (django-tasks ImmediateBackend); files go to a temp dir."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(tree):
    """An organisation-board officer on the bloc (not on the commune)."""
    return factories.user("bantochuc", role_code="org_board_officer", on=tree["bloc"])


@pytest.fixture
def run_import():
    """Upload → automatic mapping → check (dry run). Returns the previewed job."""

    def run(user, root, content, kind="members", name="tep.xlsx"):
        job = services.start_import(user=user, root=root, kind=kind, uploaded=upload(content, name))
        return services.set_mapping(job, services.job_mapping(job), user=user)

    return run
