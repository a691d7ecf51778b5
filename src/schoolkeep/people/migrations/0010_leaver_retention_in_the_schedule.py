"""The people settings' "keep leavers' records for N years" becomes a view of the retention
schedule (``privacy`` record type ``schoolkeep_leavers``): a school that had changed it from
the default (6, the starting schedule's period) gets its own row of that type with its
number of years, so nothing it set is lost; then the field goes."""

from django.db import migrations

OWN_LEAVERS = "schoolkeep_leavers"
DEFAULT_YEARS = 6
SOURCE = ("Copied from the people settings' \"keep leavers' records for {years} years\", "
          "set by the school before the retention schedule.")


def copy_into_schedule(apps, schema_editor):
    settings = apps.get_model("people", "PeopleSettings")
    record_type = apps.get_model("privacy", "RecordType")
    shipped = record_type.objects.filter(key=OWN_LEAVERS, school__isnull=True,
                                         organisation__isnull=True).first()
    changed = list(settings.objects.exclude(leaver_retention_years=DEFAULT_YEARS)
                   .values_list("school_id", "leaver_retention_years"))
    if shipped is None or not changed:
        return
    have_own = set(record_type.objects.filter(key=OWN_LEAVERS, school_id__in=[
        school_id for school_id, _years in changed]).values_list("school_id", flat=True))
    record_type.objects.bulk_create([
        record_type(school_id=school_id, key=OWN_LEAVERS, name=shipped.name,
                    description=shipped.description, event=shipped.event, years=years,
                    months=0, days=0, action=shipped.action, schoolkeep_own=True,
                    source=SOURCE.format(years=years))
        for school_id, years in changed if school_id not in have_own])


def copy_back(apps, schema_editor):
    settings = apps.get_model("people", "PeopleSettings")
    record_type = apps.get_model("privacy", "RecordType")
    for school_id, years in record_type.objects.filter(
            key=OWN_LEAVERS, school__isnull=False,
            archived_at__isnull=True).values_list("school_id", "years"):
        settings.objects.filter(school_id=school_id).update(
            leaver_retention_years=min(max(years, 1), 25))


class Migration(migrations.Migration):
    dependencies = [("people", "0009_moved_task_paths"), ("privacy", "0004_schedule")]

    operations = [
        migrations.RunPython(copy_into_schedule, copy_back),
        migrations.RemoveField(model_name="peoplesettings", name="leaver_retention_years"),
    ]
