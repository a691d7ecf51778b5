"""The kiosk PIN (one per school, hashed), and the stored paths of queued tasks moved to
their subpackages: the task queue imports a job's task by the path stored when it was queued,
so jobs queued under the old top-level modules (removed with this migration) are pointed at
the modules the tasks live in."""

import django.db.models.deletion
from django.db import migrations, models

from schoolkeep.lib.moved_tasks import repointing

# Old path -> where the task lives now.
MOVED_TASKS = {
    "schoolkeep.agreements.tasks_links.send_reminders":
        "schoolkeep.agreements.signing.links.tasks.send_reminders",
    "schoolkeep.agreements.tasks_links.make_letters":
        "schoolkeep.agreements.signing.links.tasks.make_letters",
    "schoolkeep.agreements.tasks_parents_import.parents_import_check":
        "schoolkeep.agreements.parents.tasks.parents_import_check",
    "schoolkeep.agreements.tasks_parents_import.parents_import_apply":
        "schoolkeep.agreements.parents.tasks.parents_import_apply",
}


point_jobs_at_moved_tasks, point_jobs_back = repointing(MOVED_TASKS)


class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0003_signature_signers_index'),
        ('tenancy', '0002_membership_version'),
        ('django_tasks_database', '0021_conditional_partial_index_ordering'),
    ]

    operations = [
        migrations.CreateModel(
            name='KioskPin',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pin_hash', models.CharField(max_length=200)),
                ('set_at', models.DateTimeField()),
                ('set_by_label', models.CharField(max_length=200)),
                ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.school')),
            ],
        ),
        migrations.RunPython(point_jobs_at_moved_tasks, point_jobs_back),
    ]
