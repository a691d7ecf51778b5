"""The register's old DPIA fields and retention text become records (nothing lost).

For each asset that said whether a DPIA is needed (or gave the date one was done), a legacy
DPIA (``legacy``, the screening's reasons "Recorded before Schoolkeep tracked it"):
- needed (or not said) and done on a date: required and signed off on that date by
  "Recorded before Schoolkeep tracked it";
- needed, no date: required, the assessment under way;
- not needed: screened, not required; with a date it was done on, that date is kept as the
  screening's date and the reason says so ("Recorded as done on 3 March 2020 before
  Schoolkeep tracked it");
- not said whether needed, with a date: as needed and done, the reason saying it was not
  said (so going back gives "not said" again).
An asset that said nothing gets no DPIA. Each non-blank retention text is copied into
``LegacyRetentionText``. The assets' migration 0009 then removes the old columns.
An equipment disposal whose certificate is stored gets its destruction log entry, as an
upload writes now (once: not when it has one).

Going back copies the records into the columns again (``assets`` 0009 reversed has put them
back, empty) and deletes the legacy rows. Assets are read 2,000 at a time, in id order.
"""

from datetime import date

from django.db import migrations
from django.db.models import Count

CHUNK = 2000
LEGACY_NOTE = "Recorded before Schoolkeep tracked it"  # privacy.legacy.LEGACY_NOTE then


NEEDED_NOT_SAID = f"{LEGACY_NOTE} (whether one was needed was not recorded)"
DONE_ON_PREFIX = "Recorded as done on "


def _done_on_reason(done_on):  # type: ignore[no-untyped-def]
    return f"{DONE_ON_PREFIX}{done_on.day} {done_on:%B %Y} before Schoolkeep tracked it"


def _legacy_dpia(Dpia, asset_id, school_id, needed, done_on):  # type: ignore[no-untyped-def]  # noqa: N803
    dpia = Dpia(school_id=school_id, asset_id=asset_id, legacy=True,
                screening_reasons=LEGACY_NOTE, screened_by_label=LEGACY_NOTE)
    if done_on is not None and needed is not False:
        dpia.screening_required = True
        dpia.screened_on = done_on
        dpia.state = "signed_off"
        dpia.signed_off_on = done_on
        dpia.signed_off_by_label = LEGACY_NOTE
        if needed is None:
            dpia.screening_reasons = NEEDED_NOT_SAID
    elif done_on is not None:
        # "Not needed" yet a date it was done on: keep the date rather than lose it.
        dpia.screening_required = False
        dpia.state = "not_required"
        dpia.screened_on = done_on
        dpia.screening_reasons = _done_on_reason(done_on)
    elif needed:
        dpia.screening_required = True
        dpia.state = "in_progress"
    else:
        dpia.screening_required = False
        dpia.state = "not_required"
    return dpia


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Asset = apps.get_model("assets", "Asset")
    Dpia = apps.get_model("privacy", "Dpia")
    LegacyRetentionText = apps.get_model("privacy", "LegacyRetentionText")
    last_pk = 0
    while True:
        rows = list(Asset.objects.filter(pk__gt=last_pk).order_by("pk").values_list(
            "pk", "school_id", "dpia_needed", "dpia_done_on", "retention_period")[:CHUNK])
        if not rows:
            return
        last_pk = rows[-1][0]
        has_dpia = set(Dpia.objects.filter(asset_id__in=[row[0] for row in rows],
                                           archived_at__isnull=True)
                       .values_list("asset_id", flat=True))
        Dpia.objects.bulk_create([
            _legacy_dpia(Dpia, pk, school_id, needed, done_on)
            for pk, school_id, needed, done_on, _ in rows
            if (needed is not None or done_on is not None) and pk not in has_dpia],
            batch_size=500)
        LegacyRetentionText.objects.bulk_create([
            LegacyRetentionText(asset_id=pk, text=text.strip()[:200])
            for pk, _, _, _, text in rows if text and text.strip()],
            batch_size=500, ignore_conflicts=True)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Asset = apps.get_model("assets", "Asset")
    Dpia = apps.get_model("privacy", "Dpia")
    LegacyRetentionText = apps.get_model("privacy", "LegacyRetentionText")
    legacy = Dpia.objects.filter(legacy=True, asset__isnull=False)
    changed = []
    for asset_id, required, signed_off_on, screened_on, reasons in legacy.values_list(
            "asset_id", "screening_required", "signed_off_on", "screened_on",
            "screening_reasons").iterator(chunk_size=CHUNK):
        done_on = signed_off_on
        if required is False and (reasons or "").startswith(DONE_ON_PREFIX):
            done_on = screened_on
        if reasons == NEEDED_NOT_SAID:
            required = None
        changed.append(Asset(pk=asset_id, dpia_needed=required, dpia_done_on=done_on))
    Asset.objects.bulk_update(changed, ["dpia_needed", "dpia_done_on"], batch_size=500)
    texts = [Asset(pk=asset_id, retention_period=text) for asset_id, text in
             LegacyRetentionText.objects.values_list("asset_id", "text").iterator(
                 chunk_size=CHUNK)]
    Asset.objects.bulk_update(texts, ["retention_period"], batch_size=500)
    legacy.delete()
    LegacyRetentionText.objects.all().delete()


EARLIEST = date(1900, 1, 1)  # the log's earliest date (destruction.services.EARLIEST then)


def log_disposals(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each equipment disposal whose certificate was uploaded before the log existed gets
    the one entry a certificate writes now (none when it has one already)."""
    Disposal = apps.get_model("equipment", "Disposal")
    Destruction = apps.get_model("privacy", "Destruction")
    done = set(Destruction.objects.filter(disposal__isnull=False)
               .values_list("disposal_id", flat=True))
    rows = (Disposal.objects.exclude(certificate_stored_name="")
            .annotate(item_count=Count("items")).order_by("pk")
            .values_list("pk", "school_id", "company__name", "collected_on", "reference",
                         "certificate_uploaded_by_label", "item_count"))
    Destruction.objects.bulk_create([
        Destruction(school_id=school_id, disposal_id=pk,  # company: required on a disposal
                    description=f"Drives and devices collected by {company}"[:300],
                    method="disposal_company", source="equipment_disposal",
                    destroyed_on=max(collected_on, EARLIEST), destroyed_by_label=company[:200],
                    quantity=items or None, certificate_reference=reference,
                    recorded_by_label=uploaded_by)
        for pk, school_id, company, collected_on, reference, uploaded_by, items
        in rows.iterator(chunk_size=CHUNK) if pk not in done], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_schedule"),
                    ("assets", "0008_look_alikes_and_aliases"),
                    ("equipment", "0002_disposal_earlier_files_matched_label")]

    operations = [migrations.RunPython(forwards, backwards),
                  migrations.RunPython(log_disposals, migrations.RunPython.noop)]
