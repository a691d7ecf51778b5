"""The import's and the record export's tasks moved into ``people/imports/`` and
``people/record/``: the task queue imports a job's task by the path stored when it was
queued, so a job queued under an old module is pointed at the one the task lives in now."""

from django.db import migrations

from schoolkeep.lib.moved_tasks import repointing

MOVED_TASKS = {
    "schoolkeep.people.tasks_import.people_import_check":
        "schoolkeep.people.imports.tasks.people_import_check",
    "schoolkeep.people.tasks_import.people_import_apply":
        "schoolkeep.people.imports.tasks.people_import_apply",
    "schoolkeep.people.tasks_record.record_export":
        "schoolkeep.people.record.tasks.record_export",
}


point_jobs_at_moved_tasks, point_jobs_back = repointing(MOVED_TASKS)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0008_person_audience_index"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(point_jobs_at_moved_tasks, point_jobs_back),
    ]
