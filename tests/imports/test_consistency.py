"""The bulk path writes exactly what the member services write, and refuses the same rows."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangbo.core.errors import DomainError
from dangbo.imports import rules, services, writers
from dangbo.imports.models import ImportJob
from dangbo.members import services as member_services
from dangbo.members.models import Member, MemberEvent, Placement, StatusPeriod
from tests.imports.helpers import MEMBER_HEADERS, member_row, xlsx_bytes


def rows_for(tree):
    existing = tree["members_a"][2]
    return [
        member_row("Nguyễn Thị Một", id_number="900000000001", gender="nữ", ethnicity="tay"),
        member_row("Trần Văn Hai", official=None, org="CHI BO PHONG NGHIEP VU"),
        member_row("Lê Ba", id_number="900000000003", religion="Phật giáo", theory_level="cao cap"),
        member_row("Sai Tuổi", birth="01/01/2001", admitted="01/01/2016"),
        member_row("Sai Số", id_number="12345"),
        member_row("Lễ Trước", admitted="19/05/2015", ceremony_on="18/05/2015"),
        member_row(
            existing.full_name,
            system_id=existing.pk,
            id_number=existing.id_number,
            birth="15/03/1985",
            admitted="19/05/2010",
            official="20/06/2011",
            workplace="Văn phòng Tỉnh ủy",
        ),
    ]


def outcome(job, tree, events_after):
    new = Member.objects.filter(pk__gt=tree["village_members"][0].pk).order_by("full_name")
    touched = list(new) + [Member.objects.get(pk=tree["members_a"][2].pk)]
    fields = [
        f.name for f in Member._meta.fields if f.name not in ("id", "created_at", "updated_at")
    ]
    return {
        "counts": job.counts,
        "errors": job.report["errors"],
        "members": [{f: getattr(m, f) for f in fields} for m in touched],
        "periods": [
            list(
                StatusPeriod.objects.filter(member=m).values_list(
                    "status", "valid_from", "valid_to"
                )
            )
            for m in touched
        ],
        "placements": [
            list(
                Placement.objects.filter(member=m).values_list(
                    "organization_id", "valid_from", "valid_to"
                )
            )
            for m in touched
        ],
        "events": [
            list(
                MemberEvent.objects.filter(member=m, pk__gt=events_after)
                .order_by("id")
                .values_list("kind", "summary", "details", "recorded_by")
            )
            for m in touched
        ],
    }


def run_path(tree, officer, run_import, monkeypatch, threshold):
    monkeypatch.setattr(writers, "BULK_THRESHOLD", threshold)
    job = run_import(officer, tree["bloc"], xlsx_bytes(MEMBER_HEADERS, rows_for(tree)))
    events_after = MemberEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    job = services.request_commit(job, user=officer, skip_errors=True)
    assert job.state == ImportJob.State.COMMITTED, job.error_message
    result = outcome(job, tree, events_after)
    job = services.request_rollback(job, user=officer)
    assert job.state == ImportJob.State.ROLLED_BACK, job.error_message
    return result


def test_bulk_path_writes_what_the_services_write(tree, officer, run_import, monkeypatch):
    by_services = run_path(tree, officer, run_import, monkeypatch, 10_000)
    assert by_services["counts"] == {
        "create": 3,
        "update": 1,
        "unchanged": 0,
        "error": 3,
        "total": 7,
    }
    assert [m["full_name"] for m in by_services["members"]] == [
        "Lê Ba",
        "Nguyễn Thị Một",
        "Trần Văn Hai",
        tree["members_a"][2].full_name,
    ]
    in_bulk = run_path(tree, officer, run_import, monkeypatch, 1)
    for key in by_services:
        assert in_bulk[key] == by_services[key], key


class _Rollback(Exception):
    pass


dates = st.one_of(st.none(), st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31)))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    full_name=st.sampled_from(["", "  ", "Nguyễn Văn A"]),
    id_number=st.sampled_from([None, "", "123", "123456789012", "12345678901x"]),
    birth_date=dates,
    admitted_on=dates,
    ceremony_on=dates,
    official_on=dates,
)
def test_import_rules_accept_exactly_what_register_member_accepts(tree, **data):
    """The bulk path's pure checks and the screens' service agree on random identities."""
    if data["birth_date"] is None or data["admitted_on"] is None:
        return  # required cells: refused by the parser before any rule
    cleaned = {
        **data,
        "full_name": data["full_name"].strip(),
        "id_number": data["id_number"] or None,
    }
    problems = rules.member_identity_problems(cleaned, timezone.localdate())
    try:
        with transaction.atomic():
            member_services.register_member(organization=tree["cell_a"], gender="M", **data)
            raise _Rollback
    except DomainError as error:
        assert problems, f"service refused ({error.message}) what the import accepts"
        assert error.message in problems.values()
    except _Rollback:
        assert not problems, f"import refuses {problems} what the service accepts"
