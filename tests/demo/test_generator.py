from dangbo.demo.generator import id_number, make_member, plan_tree
from dangbo.members.rules import age_in_years
from dangbo.organizations.models import Organization


def test_plan_is_deterministic_and_typed():
    a, b = plan_tree("small", 7), plan_tree("small", 7)
    assert [(p.name, p.path, p.members) for p in a.walk()] == [
        (p.name, p.path, p.members) for p in b.walk()
    ]
    for plan in a.walk():
        if plan.members:
            assert plan.type_code in {"cell", "grassroots_cell"} and not plan.children
        if plan.type_code == "grassroots_cell":
            assert plan.members < 30


def test_members_have_consistent_dates():
    import random

    rng = random.Random(3)
    for i in range(2000):
        m = make_member(rng, i)
        assert age_in_years(m.birth_date, m.admitted_on) >= 18
        assert m.ceremony_on >= m.admitted_on
        assert m.official_on is None or m.official_on > m.ceremony_on
        assert len(m.id_number) == 12


def test_id_numbers_unique():
    assert len({id_number(i) for i in range(100_000)}) == 100_000


def test_seed_command_writes_tree(db):
    from django.core.management import call_command

    call_command("seed_demo", size="small", seed=2, no_users=True)
    root = Organization.objects.get(depth=1)
    assert Organization.objects.get_descendant_count(root) > 10
    assert root.members.model.objects.count() > 300
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    from dangbo.dues.models import IncomeBasis, LedgerEntry
    from dangbo.training.models import Enrolment

    active = root.members.model.objects.active().count()
    assert IncomeBasis.objects.count() == active
    assert LedgerEntry.objects.filter(paid__gt=0).exists()
    assert Enrolment.objects.filter(result="passed").count() == 3
