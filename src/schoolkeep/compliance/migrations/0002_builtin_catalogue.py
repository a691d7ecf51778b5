"""The built-in catalogue, first release: the built-in controls (``controls-1.json``) and
the school's Online Security Policy as a framework (``school-policy-2022.json``), loaded by
``compliance.catalogue.loader``. Reversed, the framework and the controls are removed again
(see the loader for what happens to a school's own rows).

Data files are never edited once a migration has loaded them: a new version arrives as a
new file and a new migration."""

from django.db import migrations

from schoolkeep.compliance.catalogue.loader import load_catalogue, unload_catalogue

FILES = ["controls-1.json", "school-policy-2022.json"]


def load(apps, schema_editor):
    load_catalogue(apps, FILES)


def unload(apps, schema_editor):
    unload_catalogue(apps, FILES)


class Migration(migrations.Migration):

    dependencies = [
        ("compliance", "0001_controls_and_frameworks"),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
