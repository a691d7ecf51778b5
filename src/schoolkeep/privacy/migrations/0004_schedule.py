"""The retention schedule's slot: the starting schedule's shipped rows (no school, no trust),
from ``privacy.schedule.starting`` (periods, actions and sources)."""

from django.db import migrations


def create_starting_schedule(apps, schema_editor):
    from schoolkeep.privacy.schedule.starting import create_starting_schedule as create

    create(apps.get_model("privacy", "RecordType"))


def remove_starting_schedule(apps, schema_editor):
    from schoolkeep.privacy.schedule.starting import STARTING

    record_type = apps.get_model("privacy", "RecordType")
    record_type.objects.filter(school__isnull=True, organisation__isnull=True,
                               key__in=[row.key for row in STARTING],
                               asset_links__isnull=True, destructions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_processors")]

    operations = [migrations.RunPython(create_starting_schedule, remove_starting_schedule)]
