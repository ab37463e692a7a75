import pytest

from dangbo.imports import services
from dangbo.members.models import Member
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_smoke(tree):
    user = factories.user("bantc", role_code="org_board_officer", on=tree["province"])
    content = xlsx_bytes(
        MEMBER_HEADERS,
        [
            member_row("Hoàng Văn Mới", "chi bo van phong", "123456789012"),
            member_row("Bad", "Chi bộ Không Có", birth="31/02/1990"),
        ],
    )
    job = services.start_import(
        user=user, root=tree["province"], kind="members", uploaded=upload(content)
    )
    job = services.set_mapping(job, services.job_mapping(job), user=user)
    print(job.state, job.error_message, job.report)
    job = services.request_commit(job, user=user, skip_errors=True)
    print(job.state, job.error_message)
    assert Member.objects.filter(full_name="Hoàng Văn Mới").exists()
    job = services.request_rollback(job, user=user)
    print(job.state, job.error_message)
    assert not Member.objects.filter(full_name="Hoàng Văn Mới").exists()
