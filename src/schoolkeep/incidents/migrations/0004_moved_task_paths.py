"""The breach log's export task moved into ``incidents/exports/``: the task queue imports a
job's task by the path stored when it was queued, so a job queued under the old module is
pointed at the one the task lives in now."""

from django.db import migrations

from schoolkeep.lib.moved_tasks import repointing

MOVED_TASKS = {
    "schoolkeep.incidents.tasks_exports.breach_log_export":
        "schoolkeep.incidents.exports.tasks.breach_log_export",
}


point_jobs_at_moved_tasks, point_jobs_back = repointing(MOVED_TASKS)


class Migration(migrations.Migration):

    dependencies = [
        ("incidents", "0003_incident_school_received_index"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(point_jobs_at_moved_tasks, point_jobs_back),
    ]
