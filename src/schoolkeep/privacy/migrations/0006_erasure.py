"""Schoolkeep's own erasure: a hold may be for an open request about the person."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0005_destructions")]

    operations = [
        migrations.AlterField(
            model_name="erasurehold",
            name="reason",
            field=models.CharField(choices=[
                ("allegation", "An allegation about a member of staff"),
                ("litigation", "Litigation or a claim"),
                ("request", "An open request about the person"),
                ("other", "Another legal reason")], max_length=20),
        ),
    ]
