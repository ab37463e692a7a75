"""Keep the member rows' copied org paths in step when a subtree moves."""

from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.dispatch import receiver

from dangbo.members import summary
from dangbo.members.models import Member
from dangbo.organizations.signals import subtree_moved


@receiver(subtree_moved)
def update_member_paths(sender, old_prefix: str, new_prefix: str, **kwargs):
    Member.objects.filter(org_path__startswith=old_prefix).update(
        org_path=Concat(Value(new_prefix), Substr("org_path", len(old_prefix) + 1))
    )


@receiver(subtree_moved)
def shift_member_summary(sender, old_prefix: str, new_prefix: str, **kwargs):
    summary.shift_subtree(old_prefix, new_prefix)
