"""This part's migration slot: its owner fills the operations (schema and data)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations: list = []
