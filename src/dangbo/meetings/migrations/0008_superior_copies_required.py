import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from the fill (0007): PostgreSQL refuses ALTER TABLE with the fill's deferred
    foreign-key checks pending in the same transaction."""

    dependencies = [("meetings", "0007_superior_copies")]

    operations = [
        migrations.AlterField(
            model_name="invitedsuperior",
            name="organization",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.organization",
            ),
        ),
        migrations.AlterField(
            model_name="invitedsuperior",
            name="planned_on",
            field=models.DateField(editable=False),
        ),
        migrations.AddIndex(
            model_name="invitedsuperior",
            index=models.Index(
                condition=models.Q(("meeting_counted", True)),
                fields=["planned_on"],
                include=("organization", "full_name", "position", "attended", "mode"),
                name="superior_record_idx",
            ),
        ),
    ]
