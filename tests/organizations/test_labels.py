"""Same-named orgs («Chi bộ Văn phòng» in two departments) are told apart by their parent's
name: in pickers, choice lists, and the member export (which imports back unchanged)."""

import io
from datetime import date

import pytest
from django import forms
from django.urls import reverse
from openpyxl import load_workbook

from dangbo.core.forms import UserFormMixin
from dangbo.imports import services as import_services
from dangbo.organizations.models import Organization
from tests import factories

BOTH = {"Chi bộ Văn phòng — Đảng bộ Sở Tư pháp", "Chi bộ Văn phòng — Đảng bộ Sở Tài chính"}


@pytest.fixture
def twin(tree):
    finance = factories.org("Đảng bộ Sở Tài chính", "grassroots_committee", tree["bloc"])
    cell = factories.org("Chi bộ Văn phòng", "cell", finance, effective=date(2021, 1, 1))
    factories.member(cell, "Đỗ Văn Tài")
    return cell


def test_label_with_and_without_the_annotation(tree, twin, django_assert_num_queries):
    with django_assert_num_queries(1):
        labels = {
            o.label for o in Organization.objects.filter(name="Chi bộ Văn phòng").with_labels()
        }
    assert labels == BOTH
    assert Organization.objects.get(pk=twin.pk).label in BOTH
    assert Organization.objects.get(pk=tree["province"].pk).label == "Đảng bộ tỉnh Sông Hồng"


def test_picker_tells_same_named_cells_apart(admin_client, twin):
    body = admin_client.get(
        reverse("organizations:pick"), {"q": "van phong", "scope": "admin", "field": "x"}
    ).content.decode()
    for label in BOTH:
        assert f'data-name="{label}"' in body


class CellForm(UserFormMixin, forms.Form):
    permission = "members.change"
    cell = forms.ModelChoiceField(queryset=Organization.objects.filter(name="Chi bộ Văn phòng"))


def test_choice_lists_show_labels(admin_user, twin, django_assert_max_num_queries):
    form = CellForm(user=admin_user)
    with django_assert_max_num_queries(1):
        shown = {label for value, label in form["cell"].field.choices if value}
    assert shown == BOTH


def test_member_export_names_same_named_cells_apart_and_imports_back(
    tree, twin, admin_user, settings, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    content, _export = import_services.export_bytes("members", user=admin_user, root=tree["bloc"])
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))
    column = rows[0].index("Chi bộ *")
    by_name = {row[1]: row[column] for row in rows[1:]}
    assert by_name["Đỗ Văn Tài"] == "Chi bộ Văn phòng — Đảng bộ Sở Tài chính"
    assert by_name["Nguyễn Văn Bình"] == "Chi bộ Văn phòng — Đảng bộ Sở Tư pháp"
    assert by_name["Phạm Quang Dũng"] == "Chi bộ Phòng Nghiệp vụ"  # unique: name alone

    from tests.imports.helpers import upload

    job = import_services.start_import(
        user=admin_user, root=tree["bloc"], kind="members", uploaded=upload(content)
    )
    job = import_services.set_mapping(job, import_services.job_mapping(job), user=admin_user)
    assert job.counts["error"] == 0 and job.counts["unchanged"] == len(rows) - 1


def test_tree_search_tells_same_named_cells_apart(admin_client, twin):
    body = admin_client.get(reverse("organizations:tree"), {"q": "van phong"}).content.decode()
    for label in BOTH:
        assert label in body
