"""The register's DPIA fields and retention text become views of ``privacy`` records: the
privacy app's migration 0005 copied them into legacy DPIAs and ``LegacyRetentionText``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assets", "0008_look_alikes_and_aliases"),
                    ("privacy", "0005_destructions")]

    operations = [
        migrations.RemoveField(model_name="asset", name="dpia_needed"),
        migrations.RemoveField(model_name="asset", name="dpia_done_on"),
        migrations.RemoveField(model_name="asset", name="retention_period"),
    ]
