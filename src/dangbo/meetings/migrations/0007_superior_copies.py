import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def fill(apps, schema_editor):
    """Copy each invitation's meeting cell, day and "not cancelled" (idempotent)."""
    InvitedSuperior = apps.get_model("meetings", "InvitedSuperior")
    Meeting = apps.get_model("meetings", "Meeting")
    meeting = Meeting.objects.filter(pk=OuterRef("meeting_id"))
    InvitedSuperior.objects.update(
        organization_id=Subquery(meeting.values("organization_id")[:1]),
        planned_on=Subquery(meeting.values("planned_on")[:1]),
        meeting_counted=~Exists(meeting.filter(status="cancelled")),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_absence_runs"),
        ("organizations", "0002_org_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitedsuperior",
            name="organization",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
            ),
        ),
        migrations.AddField(
            model_name="invitedsuperior",
            name="planned_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="invitedsuperior",
            name="meeting_counted",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
