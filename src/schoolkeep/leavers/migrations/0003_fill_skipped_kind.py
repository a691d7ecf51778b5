"""Steps marked not needed before ``skipped_kind`` existed kept the skipped step's kind only as
the start of their label ("Disable an account: …"): read it from there."""

from django.db import migrations

# The kinds' labels when those records were written (leavers.models.StepRecord.Kind).
LABELS = {
    "disable_account": "Disable an account",
    "hand_over_asset": "Hand over an information asset",
    "replace_administrator": "Replace as a system's administrator",
    "replace_cycle_holder": "Replace as holder of a password cycle",
    "change_shared_password": "Change a shared account's password",  # nosec B105 - a label
    "return_equipment": "Return equipment on loan",
    "create_account": "Create an account",
    "review_access": "Review the accounts affected",
}


def fill(apps, schema_editor):
    StepRecord = apps.get_model("leavers", "StepRecord")
    for kind, label in LABELS.items():
        StepRecord.objects.filter(kind="not_needed", skipped_kind="",
                                  subject_label__startswith=f"{label}: ").update(
            skipped_kind=kind)


def empty(apps, schema_editor):
    apps.get_model("leavers", "StepRecord").objects.update(skipped_kind="")


class Migration(migrations.Migration):

    dependencies = [
        ("leavers", "0002_step_record_skipped_kind"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
