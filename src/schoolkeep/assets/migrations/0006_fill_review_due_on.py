"""Fill ``Asset.review_due_on`` for the assets already on the register.

The rule is copied here as it stood when the column was added (``assets.review_due`` then),
so that a later change to the live code cannot change what this migration writes. Assets
are read and written 2,000 at a time, in the order of their ids, so memory stays flat
whatever the number of schools."""

import calendar
from datetime import date
from zoneinfo import ZoneInfo

from django.db import migrations

CHUNK = 2000
DEFAULT_REVIEW_INTERVAL = 12  # AssetSettings.review_interval_months' default then
LONDON = ZoneInfo("Europe/London")
COLUMNS = ("pk", "school_id", "next_review_on", "last_reviewed_on", "created_at")


def add_months(day, months):  # type: ignore[no-untyped-def]
    """``day`` plus whole calendar months, the day clamped to the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(next_review_on, last_reviewed_on, created_at, interval):  # type: ignore[no-untyped-def]
    """The next review date set; else the last review (never reviewed: the day added in
    Europe/London) plus the school's interval in months."""
    if next_review_on is not None:
        return next_review_on
    return add_months(last_reviewed_on or created_at.astimezone(LONDON).date(), interval)


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Asset = apps.get_model("assets", "Asset")
    AssetSettings = apps.get_model("assets", "AssetSettings")
    interval = dict(AssetSettings.objects.values_list("school_id", "review_interval_months"))
    last_pk = 0
    while True:
        chunk = [Asset(pk=pk, review_due_on=due_on(
                     next_on, last_on, created_at,
                     interval.get(school_id, DEFAULT_REVIEW_INTERVAL)))
                 for pk, school_id, next_on, last_on, created_at in
                 Asset.objects.filter(pk__gt=last_pk).order_by("pk")
                 .values_list(*COLUMNS)[:CHUNK]]
        if not chunk:
            return
        Asset.objects.bulk_update(chunk, ["review_due_on"], batch_size=500)
        last_pk = chunk[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("assets", "0005_review_due_on"),
    ]

    operations = [
        # Backwards the column is dropped by 0005's reversal: nothing to undo here.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
