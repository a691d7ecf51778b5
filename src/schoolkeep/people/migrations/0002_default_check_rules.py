"""Seed the built-in check rules for maintained schools and for academies (people/defaults.py).

A later change to the defaults needs its own data migration to update these rows;
reversing removes only the default rows.
"""

from django.db import migrations

from schoolkeep.people.defaults import DEFAULT_SETS


def seed(apps, schema_editor):
    CheckRule = apps.get_model("people", "CheckRule")
    CheckRule.objects.bulk_create(
        [
            CheckRule(default_for=default_for, check_type=check, person_kind=kind,
                      condition=condition)
            for default_for, rules in DEFAULT_SETS.items()
            for check, kind, condition in rules
        ]
    )


def unseed(apps, schema_editor):
    CheckRule = apps.get_model("people", "CheckRule")
    CheckRule.objects.filter(school__isnull=True, organisation__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_people_and_checks")]

    operations = [migrations.RunPython(seed, unseed)]
