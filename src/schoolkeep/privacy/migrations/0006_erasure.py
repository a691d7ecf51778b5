"""Schoolkeep's own erasure: a hold may be for an open request about the person; an erased
person's tombstone keeps their kind of post and leaving date (no name)."""

import django.db.models.deletion
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
        migrations.AddField(
            model_name="tombstone", name="person_kind",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="tombstone", name="event_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="tombstone",
            index=models.Index(fields=["school", "subject_type", "event_on"],
                               name="tombstone_school_event"),
        ),
        # The DPO's hold on any record due for erasure, not only a person.
        migrations.AlterField(
            model_name="erasurehold", name="person",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.CASCADE,
                                    related_name="erasure_holds", to="people.person"),
        ),
        migrations.AddField(
            model_name="erasurehold", name="subject_type",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
        migrations.AddField(
            model_name="erasurehold", name="subject_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddIndex(
            model_name="erasurehold",
            index=models.Index(fields=["school", "subject_type", "subject_id"],
                               name="erasurehold_subject"),
        ),
    ]
