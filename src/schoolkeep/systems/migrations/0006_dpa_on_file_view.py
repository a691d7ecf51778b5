""""DPA on file" becomes a view of the system's processor and its agreement: the privacy
app's migration 0003 made the legacy processors from it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("systems", "0005_catalogue_transfer_channels"),
                    ("privacy", "0003_processors")]

    operations = [migrations.RemoveField(model_name="system", name="dpa_on_file")]
