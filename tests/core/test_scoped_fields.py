"""Choice fields (forms) and related fields (API) on rows of the org tree are restricted
centrally to the user's reach for the action's permission."""

from django import forms
from django.test import RequestFactory
from rest_framework import serializers

from dangbo.core.api import RestrictedSerializerMixin
from dangbo.core.forms import (
    OUT_OF_REACH,
    OrgPickerWidget,
    UserFormMixin,
    scoped,
    unscoped,
)
from dangbo.members.models import Member
from dangbo.organizations.models import Organization
from tests import factories


class PickForm(UserFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), widget=OrgPickerWidget
    )
    member = forms.ModelChoiceField(queryset=Member.objects.all(), required=False)
    anywhere = unscoped(
        forms.ModelChoiceField(queryset=Organization.objects.all(), required=False),
        "the receiving side lies anywhere",
    )
    introducer = scoped(
        forms.ModelChoiceField(queryset=Member.objects.all(), required=False), "members.view"
    )


def test_a_posted_org_outside_the_reach_is_the_error_of_a_missing_one(tree):
    user = factories.user(role_code="grassroots_committee", on=tree["committee"])
    outside = tree["village"]
    form = PickForm({"organization": outside.pk}, user=user, permission="admissions.change")
    assert not form.is_valid()
    assert form.errors["organization"] == [OUT_OF_REACH]
    assert outside.name not in str(form.errors)
    missing = PickForm({"organization": 999999}, user=user, permission="admissions.change")
    assert not missing.is_valid() and missing.errors["organization"] == [OUT_OF_REACH]
    form = PickForm(
        {"organization": tree["cell_a"].pk, "anywhere": outside.pk},
        user=user,
        permission="admissions.change",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["anywhere"] == outside


def test_fields_follow_the_permission_not_the_model_app(tree):
    """office_staff reads orgs (organizations.view) but changes no admission file."""
    staff = factories.user(role_code="office_staff", on=tree["committee"])
    form = PickForm({"organization": tree["cell_a"].pk}, user=staff, permission="admissions.change")
    assert not form.is_valid()
    viewer = PickForm(
        {"organization": tree["cell_a"].pk}, user=staff, permission="organizations.view"
    )
    assert viewer.is_valid(), viewer.errors


def test_member_fields_and_field_scopes(tree):
    user = factories.user(role_code="cell_secretary", on=tree["cell_a"])
    inside, other_cell = tree["members_a"][0], tree["members_b"][0]
    data = {"organization": tree["cell_a"].pk, "member": other_cell.pk}
    form = PickForm(data, user=user, permission="meetings.change")
    assert not form.is_valid() and form.errors["member"] == [OUT_OF_REACH]
    data = {"organization": tree["cell_a"].pk, "member": inside.pk, "introducer": inside.pk}
    assert PickForm(data, user=user, permission="meetings.change").is_valid()


def test_without_a_permission_nothing_is_selectable(tree):
    user = factories.user(role_code="province_admin", on=tree["province"])
    form = PickForm({"organization": tree["cell_a"].pk}, user=user)
    assert not form.is_valid()


def test_the_org_picker_names_only_an_org_within_reach(tree):
    """Before: the picker re-displayed any org's name from the id in the query or body."""
    user = factories.user(role_code="grassroots_committee", on=tree["committee"])
    outside = PickForm(
        initial={"organization": tree["village"].pk}, user=user, permission="admissions.change"
    )
    assert tree["village"].name not in str(outside["organization"])
    inside = PickForm(
        initial={"organization": tree["cell_a"].pk}, user=user, permission="admissions.change"
    )
    assert tree["cell_a"].name in str(inside["organization"])
    odd = PickForm(initial={"organization": "x'"}, user=user, permission="admissions.change")
    assert "Đã chọn" not in str(odd["organization"])


def test_the_choices_rendered_are_the_restricted_ones(tree):
    user = factories.user(role_code="grassroots_committee", on=tree["committee"])

    class SelectForm(UserFormMixin, forms.Form):
        organization = forms.ModelChoiceField(queryset=Organization.objects.all())

    html = str(SelectForm(user=user, permission="admissions.change"))
    assert tree["cell_a"].name in html and tree["village"].name not in html


class OpenSerializer(RestrictedSerializerMixin, serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    members = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), many=True, required=False
    )


def _context(user, permission):
    request = RequestFactory().post("/")
    request.user = user
    return {"request": request, "permission": permission}


def test_serializer_fields_refuse_an_id_outside_the_reach(tree):
    user = factories.user(role_code="grassroots_committee", on=tree["committee"])
    context = _context(user, "admissions.change")
    outside = OpenSerializer(data={"organization": tree["village"].pk}, context=context)
    assert not outside.is_valid()
    assert outside.errors["organization"] == [OUT_OF_REACH]
    members = [tree["members_a"][0].pk, tree["village_members"][0].pk]
    data = {"organization": tree["cell_a"].pk, "members": members}
    many = OpenSerializer(data=data, context=context)
    assert not many.is_valid() and many.errors["members"] == [OUT_OF_REACH]
    data["members"] = members[:1]
    inside = OpenSerializer(data=data, context=context)
    assert inside.is_valid(), inside.errors
    assert inside.validated_data["organization"] == tree["cell_a"]
    no_context = OpenSerializer(data={"organization": tree["cell_a"].pk})
    assert not no_context.is_valid()
