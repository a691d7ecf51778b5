"""Backup services are used by software, not by people signing in: their automatic log-off
is not checked (it raised a meaningless duty)."""

from django.db import migrations


def backups_unattended(apps, schema_editor):
    System = apps.get_model("systems", "System")
    System.objects.filter(kind="backup").update(signs_in_interactively=False)


def backups_attended(apps, schema_editor):
    System = apps.get_model("systems", "System")
    System.objects.filter(kind="backup").update(signs_in_interactively=True)


class Migration(migrations.Migration):

    dependencies = [
        ("systems", "0002_system_signs_in_interactively"),
    ]

    operations = [
        migrations.RunPython(backups_unattended, backups_attended),
    ]
