"""Each job records the permission its result needs (issue 12).

Jobs already stored get no permission (""), which the job's page and file refuse: no rule
can say which permission an old job was made with, a refusal is the safe side, and jobs
live a day at most (their files and rows are removed by the clean-up), so at worst a member
exports again. The model has no default: every new job names its permission.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0002_job_worker_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="permission",
            field=models.CharField(default="", max_length=50),
            preserve_default=False,
        ),
    ]
