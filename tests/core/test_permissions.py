from hypothesis import given
from hypothesis import strategies as st

from dangbo.core.permissions import minimal_prefixes, permission_matches

paths = st.lists(
    st.text(alphabet="0123", min_size=4, max_size=12).filter(lambda s: len(s) % 4 == 0)
)


@given(paths)
def test_minimal_prefixes_cover_the_same_paths(path_list):
    result = minimal_prefixes(path_list)
    for path in path_list:
        assert any(path.startswith(p) for p in result)
    for p in result:
        assert not any(p != q and p.startswith(q) for q in result)


def test_permission_matching():
    assert permission_matches(["*"], "members.change")
    assert permission_matches(["members.*"], "members.change")
    assert permission_matches(["*.view"], "meetings.view")
    assert not permission_matches(["*.view"], "meetings.change")
    assert not permission_matches(["members.view"], "members.change")


def test_rule_parameters_dated_and_scoped(db):
    from datetime import date

    from dangbo.core.models import RuleParameter

    RuleParameter.objects.create(key="x.limit", value=20, valid_from=date(2020, 1, 1))
    RuleParameter.objects.create(key="x.limit", value=25, valid_from=date(2025, 1, 1))
    RuleParameter.objects.create(
        key="x.limit", value=30, valid_from=date(2021, 1, 1), org_path="0001"
    )
    assert RuleParameter.value_on("x.limit", date(2024, 6, 1)) == 20
    assert RuleParameter.value_on("x.limit", date(2025, 6, 1)) == 25
    assert RuleParameter.value_on("x.limit", date(2025, 6, 1), "00010002") == 30
    assert RuleParameter.value_on("x.limit", date(2019, 6, 1), default=7) == 7
    assert RuleParameter.values_on(["x.limit", "y"], date(2025, 6, 1)) == {"x.limit": 25}


def test_strict_apps_are_not_reached_by_view_wildcards(settings):
    settings.DANGBO_STRICT_APPS = ["inspections"]
    assert not permission_matches(["*.view"], "inspections.view")
    assert permission_matches(["inspections.view"], "inspections.view")
    assert permission_matches(["*"], "inspections.change")
    assert permission_matches(["*.view"], "meetings.view")


def test_restrict_takes_the_permission_of_the_action_not_the_model_app(tree):
    """Orgs where the user may change admission files: the admissions grant decides, not the
    organizations one (office_staff holds organizations.view but no admissions code)."""
    import pytest

    from dangbo.core.permissions import restrict
    from dangbo.members.models import Member
    from dangbo.organizations.models import Organization
    from tests import factories

    committee_user = factories.user(role_code="grassroots_committee", on=tree["committee"])
    staff = factories.user(role_code="office_staff", on=tree["committee"])
    reached = set(Organization.objects.restrict(committee_user, "admissions.change"))
    assert tree["cell_a"] in reached and tree["committee"] in reached
    assert tree["village"] not in reached and tree["bloc"] not in reached
    assert not Organization.objects.restrict(staff, "admissions.change").exists()
    assert Organization.objects.restrict(staff, "view").filter(pk=tree["cell_a"].pk).exists()
    members = Member.objects.restrict(committee_user, "admissions.change")
    assert tree["members_a"][0] in members and tree["village_members"][0] not in members
    # the same function under every queryset, with the path field given for other models
    assert set(restrict(Organization.objects.all(), committee_user, "admissions.change")) == (
        reached
    )
    with pytest.raises(ValueError):
        restrict(Organization.objects.all(), committee_user, "change")


def test_restrict_with_several_path_fields_keeps_rows_reached_by_either_side(tree):
    from dangbo.core.permissions import can, restrict
    from dangbo.members.models import Member
    from tests import factories

    cell_user = factories.user(role_code="cell_secretary", on=tree["cell_b"])
    member = Member.objects.restrict(cell_user, "members.view")
    assert list(member) == tree["members_b"]
    both_sides = restrict(
        Member.objects.all(), cell_user, "members.view", ("org_path", "organization__path")
    )
    assert list(both_sides) == tree["members_b"]
    assert can(cell_user, "members.view", tree["members_b"][0])
    assert not can(cell_user, "members.view", tree["members_a"][0])
    assert can(cell_user, "members.view")
