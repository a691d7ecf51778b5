"""Fill the stored missing-check facts of existing people (0005 added them as false).

It calls the same function the services call (people.missing_checks), which reads only the
columns the rules need, so that the facts mean exactly what the rules say. Reversing has
nothing to undo: 0005's reversal drops the columns.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from schoolkeep.people.missing_checks import refresh_for_schools

    School = apps.get_model("tenancy", "School")
    refresh_for_schools(School.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("people", "0005_person_missing_checks")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
