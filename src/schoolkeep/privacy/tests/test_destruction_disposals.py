"""Equipment disposals and the log: a disposal whose certificate was stored before the log
existed gets its one entry from privacy 0005 (never a second), and a batch dated before
1900 (kept from before the date check) still takes its certificate."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from schoolkeep.equipment.disposals.services import document_upload
from schoolkeep.equipment.models import Disposal
from schoolkeep.equipment.tests.test_disposal_helpers import (
    certificate_pdf,
    make_disposal,
    upload,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod

pytestmark = pytest.mark.django_db
migration = importlib.import_module("schoolkeep.privacy.migrations.0005_destructions")


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def test_stored_certificates_get_one_entry_each(personas) -> None:
    earlier = make_disposal(personas.school, ["5CD1"], reference="JOB-1")
    logged = make_disposal(personas.school, ["5CD2"], reference="JOB-2")
    no_certificate = make_disposal(personas.school, ["5CD3"])
    document_upload(disposal=logged, actor=personas.it_lead, kind="certificate",
                    uploaded_file=upload(certificate_pdf(["5CD2"])))
    # As the certificate stood before the log existed: stored, no entry.
    Disposal.objects.filter(pk=earlier.pk).update(certificate_stored_name="a1b2c3.pdf",
                                                  certificate_uploaded_by_label="IT lead")
    assert Destruction.objects.count() == 1

    migration.log_disposals(apps, None)
    migration.log_disposals(apps, None)  # again: nothing more

    assert Destruction.objects.filter(disposal=logged).count() == 1
    assert not Destruction.objects.filter(disposal=no_certificate).exists()
    entry = Destruction.objects.get(disposal=earlier)
    assert (entry.method, entry.source, entry.quantity, entry.certificate_reference,
            entry.destroyed_on, entry.destroyed_by_label, entry.school_id) == (
        DestructionMethod.DISPOSAL_COMPANY, "equipment_disposal", 1, "JOB-1",
        earlier.collected_on, "Shred Co Ltd", personas.school.pk)


def test_a_batch_dated_before_1900_still_takes_its_certificate(personas) -> None:
    disposal = make_disposal(personas.school, ["5CD9"])
    Disposal.objects.filter(pk=disposal.pk).update(collected_on=date(1889, 5, 1))
    disposal.refresh_from_db()
    document_upload(disposal=disposal, actor=personas.it_lead, kind="certificate",
                    uploaded_file=upload(certificate_pdf(["5CD9"])))
    assert Destruction.objects.get(disposal=disposal).destroyed_on == date(1900, 1, 1)


def test_a_new_batch_before_1900_is_refused_on_its_date(personas) -> None:
    too_early = (timezone.localdate() - date(1899, 12, 31)).days
    with pytest.raises(DomainError) as refused:
        make_disposal(personas.school, ["5CD8"], days_ago=too_early)
    assert refused.value.field == "collected_on"
