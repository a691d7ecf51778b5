"""The retention schedule's slot: a school's yearly review of a record type (in place of one
``last_reviewed_on`` on a row that a shipped type shares between schools), and the starting
schedule's shipped rows (no school, no trust) from ``privacy.schedule.starting`` (periods,
actions and sources)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def create_starting_schedule(apps, schema_editor):
    from schoolkeep.privacy.schedule.starting import create_starting_schedule as create

    create(apps.get_model("privacy", "RecordType"))


def refresh_starting_schedule(apps, schema_editor):
    """The starting schedule as it now ships: accident reports split into adults' and
    pupils' (the new key created), corrected sources and actions."""
    from schoolkeep.privacy.schedule.starting import refresh_starting_schedule as refresh

    refresh(apps.get_model("privacy", "RecordType"))


def remove_starting_schedule(apps, schema_editor):
    from schoolkeep.privacy.schedule.starting import STARTING

    record_type = apps.get_model("privacy", "RecordType")
    record_type.objects.filter(school__isnull=True, organisation__isnull=True,
                               key__in=[row.key for row in STARTING],
                               asset_links__isnull=True, destructions__isnull=True,
                               reviews__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_processors"), ("tenancy", "0001_initial")]

    operations = [
        migrations.RemoveField(model_name="recordtype", name="last_reviewed_on"),
        migrations.CreateModel(
            name="RecordTypeReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False,
                                               unique=True)),
                ("key", models.CharField(blank=True, max_length=60)),
                ("reviewed_on", models.DateField()),
                ("note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("record_type", models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="reviews",
                    to="privacy.recordtype")),
                ("school", models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                    to="tenancy.school")),
            ],
            options={
                "ordering": ["-reviewed_on", "-id"],
                "indexes": [
                    models.Index(fields=["school", "key", "-reviewed_on"],
                                 name="privacy_rec_school__k_review"),
                    models.Index(fields=["school", "record_type", "-reviewed_on"],
                                 name="privacy_rec_school__rt_review"),
                ],
            },
        ),
        migrations.RunPython(create_starting_schedule, remove_starting_schedule),
        migrations.RunPython(refresh_starting_schedule, migrations.RunPython.noop),
    ]
