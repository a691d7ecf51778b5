"""Fill ``Asset.review_due_on`` for the assets already on the register (assets.review_due)."""

from django.db import migrations

from schoolkeep.assets.review_due import DEFAULT_REVIEW_INTERVAL, review_due


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Asset = apps.get_model("assets", "Asset")
    AssetSettings = apps.get_model("assets", "AssetSettings")
    interval = dict(AssetSettings.objects.values_list("school_id", "review_interval_months"))
    changed = []
    for asset in Asset.objects.only("pk", "school_id", "next_review_on", "last_reviewed_on",
                                    "created_at").iterator(chunk_size=2000):
        asset.review_due_on = review_due(
            next_review_on=asset.next_review_on, last_reviewed_on=asset.last_reviewed_on,
            created_at=asset.created_at,
            interval=interval.get(asset.school_id, DEFAULT_REVIEW_INTERVAL))
        changed.append(asset)
    Asset.objects.bulk_update(changed, ["review_due_on"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("assets", "0005_review_due_on"),
    ]

    operations = [
        # Backwards the column is dropped by 0005's reversal: nothing to undo here.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
