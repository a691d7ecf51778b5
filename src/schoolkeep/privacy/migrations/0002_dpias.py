"""DPIAs: what the DPO's advice and the ICO's response were given on (digests)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="dpia", name="dpo_advice_digest",
            field=models.CharField(blank=True, max_length=64)),
        migrations.AddField(
            model_name="dpia", name="ico_response_digest",
            field=models.CharField(blank=True, max_length=64)),
    ]
