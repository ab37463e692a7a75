"""Choice fields (forms) and related fields (API) on rows of the org tree are restricted
centrally to the user's reach for the action's permission."""

from pathlib import Path

import pytest
from django import forms
from django.test import RequestFactory
from rest_framework import serializers

from dangbo.core.api import RestrictedSerializerMixin
from dangbo.core.forms import (
    OUT_OF_REACH,
    UNSCOPED,
    OrgPickerWidget,
    UserFormMixin,
    is_scoped,
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


# --- every write path goes through the central restriction -----------------------------------

# Modules that may read the raw reach (org paths) instead of restrict(): each says why.
RAW_REACH_ALLOWED = {
    "core/permissions.py": "defines it",
    "core/audit.py": "audit entries of every scoped model, for auditors: a union of restrict()",
    "members/views.py": "the member total reads the per-ancestor summary table by paths",
    "reviews/services/past_results.py": "bulk checks of past results test each row in memory",
    "reviews/services/past_org_results.py": "bulk checks of org results, each row in memory",
    "imports/access.py": "which orgs an importer may name: the reach as paths, once per job",
    "imports/orgindex.py": "bulk checks of imported rows test each row's org in memory",
    "imports/plan_admissions.py": "bulk checks of imported rows test each row's org in memory",
    "imports/plan_meetings.py": "bulk checks of imported rows test each row's org in memory",
    "imports/plan_members.py": "bulk checks of imported rows test each row's org in memory",
    "imports/plan_reviews.py": "bulk checks of imported rows test each row's org in memory",
    "imports/plan_history.py": "bulk checks of imported rows test each row's member in memory",
    "core/exports/text.py": "IdentityMask tests each exported row's org path in memory",
    "transfers/filters.py": "which side of a transfer (sending or receiving) is in reach",
    "transfers/hooks.py": "the home-page flags split by side through transfers.filters.on_side",
}
# Serializer fields naming an org or a member by a bare integer: must be a restricted relation.
RELATION_NAMES = {"organization", "member", "org", "chair", "secretary", "owner", "parent"}


def test_no_hand_built_reach_outside_core():
    """`reachable_paths` turned into an org filter by hand was the 13 copies of issue #26."""
    import dangbo

    root = Path(dangbo.__file__).parent
    users = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "reachable_paths" in path.read_text(encoding="utf-8")
    )
    assert set(users) <= set(RAW_REACH_ALLOWED), sorted(set(users) - set(RAW_REACH_ALLOWED))


def _request_serializers() -> dict:
    """The serializer of every documented API request body (POST, PUT, PATCH), nested ones
    included: {class: "METHOD path"}."""
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found: dict = {}
    for path, _regex, method, callback in generator.endpoints:
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view = generator.create_view(callback, method)
        view.schema.method, view.schema.path = method, path
        serializer = view.schema.get_request_serializer()
        cls = serializer if isinstance(serializer, type) else type(serializer)
        if issubclass(cls, serializers.BaseSerializer):
            found.setdefault(cls, f"{method} {path}")
    stack = list(found)
    while stack:
        for field in stack.pop()(context={}).fields.values():
            nested = getattr(field, "child", field)
            if isinstance(nested, serializers.BaseSerializer) and type(nested) not in found:
                found[type(nested)] = "nested"
                stack.append(type(nested))
    return found


def test_api_serializers_restrict_every_related_field():
    """A writable relation to rows of the org tree only in a RestrictedSerializerMixin (or
    declared `unscoped`); no org or member id taken as a bare integer."""
    problems = []
    classes = _request_serializers()
    assert len(classes) > 20
    for cls, where in classes.items():
        for name, field in cls(context={}).fields.items():
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            unscoped_field = getattr(field, "restrict_permission", None) is UNSCOPED
            if (
                not field.read_only
                and queryset is not None
                and is_scoped(queryset.model)
                and not unscoped_field
                and not issubclass(cls, RestrictedSerializerMixin)
            ):
                problems.append(f"{where} {cls.__name__}.{name}: not restricted")
            child = getattr(field, "child", None)
            bare = isinstance(field, serializers.IntegerField) or isinstance(
                child, serializers.IntegerField
            )
            named = name in RELATION_NAMES or name.endswith(("_org", "_member"))
            if not field.read_only and bare and named:
                problems.append(f"{where} {cls.__name__}.{name}: a bare id")
    assert not problems, problems


class MarkedSerializer(RestrictedSerializerMixin, serializers.Serializer):
    field_permissions = {"anywhere": UNSCOPED, "introducer": "members.view"}

    anywhere = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    introducer = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all())


def test_serializer_field_permissions_survive_drf_copies(tree):
    """DRF rebuilds declared fields per instance: marks live in `field_permissions`."""
    staff = factories.user(role_code="viewer", on=tree["committee"])
    context = _context(staff, "admissions.change")  # a viewer changes no admission file
    data = {"anywhere": tree["village"].pk, "introducer": tree["members_a"][0].pk}
    serializer = MarkedSerializer(data=data, context=context)
    assert serializer.is_valid(), serializer.errors
    data["introducer"] = tree["village_members"][0].pk
    serializer = MarkedSerializer(data=data, context=context)
    assert not serializer.is_valid() and serializer.errors["introducer"] == [OUT_OF_REACH]
    with pytest.raises(TypeError):
        scoped(serializers.PrimaryKeyRelatedField(queryset=Member.objects.all()), "members.view")
