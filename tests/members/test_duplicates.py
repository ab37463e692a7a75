"""Likely duplicate persons (#22): the worklist (same accent-folded name and birth date,
scoped) and the warning of the member import preview."""

from datetime import date

import pytest
from django.urls import reverse

from dangbo.core.errors import DomainError
from dangbo.imports import services as import_services
from dangbo.members import duplicates
from tests import factories
from tests.imports.helpers import MEMBER_HEADERS, member_row, upload, xlsx_bytes


def test_worklist_groups_same_name_and_birth_within_reach(client, tree):
    first = tree["members_a"][0]
    twin = factories.member(
        tree["cell_b"], "NGUYEN VAN BINH", birth_date=first.birth_date, id_number=""
    )
    factories.member(tree["cell_b"], "Nguyễn Văn Bình", birth_date=date(1990, 1, 1))
    outsider = factories.member(
        tree["village"], "Nguyễn Văn Bình", birth_date=first.birth_date, id_number=""
    )
    viewer = factories.user(role_code="viewer", on=tree["committee"])
    groups = duplicates.duplicate_groups(viewer)
    assert [[m.pk for m in g] for g in groups] == [[first.pk, twin.pk]]
    everyone = factories.user(role_code="viewer", on=tree["province"])
    assert [len(g) for g in duplicates.duplicate_groups(everyone)] == [3]
    assert outsider.pk in [m.pk for m in duplicates.duplicate_groups(everyone)[0]]

    client.force_login(viewer)
    page = client.get(reverse("members:duplicates")).content.decode()
    assert page.count("data-duplicate-group") == 1
    assert f"#{twin.pk}" in page and f"#{outsider.pk}" not in page
    client.force_login(factories.user(role_code="viewer", on=tree["village"]))
    assert 'id="no-duplicates"' in client.get(reverse("members:duplicates")).content.decode()


def test_member_import_preview_flags_likely_duplicates(tree, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = factories.user(role_code="org_board_officer", on=tree["bloc"])
    first = tree["members_a"][0]
    rows = [
        member_row("NGUYỄN VĂN BÌNH", id_number="055555555501", birth="15/03/1985"),
        member_row("Đặng Thị Thủy", id_number="055555555502", birth="15/03/1985"),
        member_row("Hồ Mới Một", id_number="055555555503", birth="01/01/1991"),
        member_row("Hồ Mới Một", id_number="055555555504", birth="01/01/1991"),
    ]
    assert first.birth_date == date(1985, 3, 15)
    job = import_services.start_import(
        user=officer,
        root=tree["bloc"],
        kind="members",
        uploaded=upload(xlsx_bytes(MEMBER_HEADERS, rows)),
    )
    job = import_services.set_mapping(job, import_services.job_mapping(job), user=officer)
    warning = next(w for w in job.report["warnings"] if "có thể trùng" in w)
    assert f"dòng 2 — #{first.pk} Nguyễn Văn Bình" in warning
    assert "dòng 5 — dòng 4 của tệp" in warning
    assert "dòng 3 — một đảng viên ngoài phạm vi của bạn" in warning  # Đặng Thị Thủy
    assert job.counts["create"] == 4  # a warning, never a block


def test_merge_keeps_both_histories_and_leaves_the_counts(client, tree):
    from dangbo.members.choices import Status
    from dangbo.members.models import Member, MemberEvent

    first = tree["members_a"][0]
    twin = factories.member(tree["cell_b"], "Nguyễn Văn Bình", birth_date=first.birth_date)
    other = factories.member(tree["cell_b"], "Người Khác", birth_date=first.birth_date)
    officer = factories.user(role_code="org_board_officer", on=tree["bloc"])
    active = Member.objects.filter(status__in=(Status.OFFICIAL, Status.PROBATIONARY)).count()
    events_before = MemberEvent.objects.filter(member=twin).count()
    client.force_login(officer)
    page = client.get(reverse("members:duplicates")).content.decode()
    assert "data-merge-form" in page
    url = reverse("members:merge_duplicate", args=[twin.pk, first.pk])
    refused = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Cần ghi lý do gộp" in refused
    response = client.post(url, {"reason": "Cùng quê quán, cùng lý lịch"})
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.status == Status.MERGED and twin.merged_into == first
    assert Member.objects.filter(pk=twin.pk).exists()  # never deleted
    assert MemberEvent.objects.filter(member=twin).count() == events_before + 1
    assert MemberEvent.objects.filter(member=first, kind=MemberEvent.Kind.MERGED).exists()
    assert (
        Member.objects.filter(status__in=(Status.OFFICIAL, Status.PROBATIONARY)).count()
        == active - 1
    )
    assert duplicates.duplicate_groups(officer) == []
    detail = client.get(reverse("members:detail", args=[twin.pk])).content.decode()
    assert 'id="merged-into"' in detail
    assert (
        'id="merged-records"'
        in client.get(reverse("members:detail", args=[first.pk])).content.decode()
    )
    with pytest.raises(DomainError, match="cùng họ tên và ngày sinh"):
        duplicates.merge(other, first, reason="x", user=officer)
    with pytest.raises(DomainError, match="đã được gộp"):
        duplicates.merge(twin, first, reason="x", user=officer)
    outsider = factories.member(tree["village"], "Nguyễn Văn Bình", birth_date=first.birth_date)
    with pytest.raises(DomainError, match="ngoài phạm vi"):
        duplicates.merge(outsider, first, reason="x", user=officer)
