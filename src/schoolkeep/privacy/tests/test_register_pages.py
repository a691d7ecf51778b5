"""What the register's old fields became, where people see them: the asset's and the system's
pages (the DPIA, the agreement, the record types and the old text), the asset form's record
types, the Article 30 record's processors, and the destruction log entry a disposal's
certificate writes. Query counts stay constant at 3 and 40 assets."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets import services
from schoolkeep.assets.models import Asset
from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.disposals.services import document_upload
from schoolkeep.equipment.tests.test_disposal_helpers import (
    certificate_pdf,
    make_disposal,
    upload,
)
from schoolkeep.privacy.destruction.models import Destruction, DestructionMethod
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.legacy import LEGACY_NOTE
from schoolkeep.privacy.schedule.models import (
    AssetRecordType,
    LegacyRetentionText,
    RecordType,
    RetentionEvent,
)
from schoolkeep.privacy.suppliers.models import DataLocation, Processor, TransferMechanism
from schoolkeep.systems.services import system_create

Login = Callable[[User], Client]


def add(personas: Personas, name: str = "Pupil files", **fields: Any) -> Asset:
    group = services.group_get_or_create(school=personas.school, name="Pupils", actor=None)
    return services.asset_create(school=personas.school, actor=None, group=group, name=name,
                                 **fields)


def own_type(personas: Personas, name: str = "Pupil records") -> RecordType:
    return RecordType.objects.create(school=personas.school, name=name, years=25,
                                     event=RetentionEvent.DATE_OF_BIRTH)


def processor(personas: Personas, name: str = "Capita", **fields: Any) -> Processor:
    return Processor.objects.create(school=personas.school, name=name, name_key=name.lower(),
                                    **fields)


def test_the_asset_page_shows_its_legacy_dpia_record_types_and_old_text(
        personas: Personas, login: Login) -> None:
    asset = add(personas, record_types=[own_type(personas)])
    Dpia.objects.create(school=personas.school, asset=asset, legacy=True,
                        screening_required=True, state=DpiaState.SIGNED_OFF,
                        signed_off_on=date(2024, 5, 1))
    LegacyRetentionText.objects.create(asset=asset, text="Until the pupil is 25")
    client = login(personas.siro)
    html = client.get(reverse("assets:asset-detail", args=[asset.public_id])).content.decode()
    for text in ("Signed off", "1 May 2024", LEGACY_NOTE, "Pupil records",
                 f"{reverse('destructions:destruction-record')}?asset={asset.public_id}"):
        assert text in html, text
    # The old text gives way to the record types once one is linked; until then it shows.
    assert "Screen for a DPIA" not in html and "Until the pupil is 25" not in html
    AssetRecordType.objects.filter(asset=asset).delete()
    html = client.get(reverse("assets:asset-detail", args=[asset.public_id])).content.decode()
    assert "Until the pupil is 25" in html and "Written before the retention schedule" in html


def test_an_asset_without_a_dpia_offers_the_screening(personas: Personas,
                                                      login: Login) -> None:
    asset = add(personas)
    start = f"{reverse('dpias:dpia-start')}?asset={asset.public_id}"
    html = login(personas.siro).get(
        reverse("assets:asset-detail", args=[asset.public_id])).content.decode()
    assert "Not screened yet" in html and start in html and "None linked yet" in html
    staff = login(personas.staff).get(
        reverse("assets:asset-detail", args=[asset.public_id])).content.decode()
    assert start not in staff and "destructions/record" not in staff


def test_the_system_page_shows_its_processors_agreement(personas: Personas,
                                                         login: Login) -> None:
    system = system_create(school=personas.school, actor=None, name="SIMS")
    supplier = processor(personas, agreement_on_file=False)
    supplier.systems.add(system)
    html = login(personas.dpo).get(
        reverse("systems:system-detail", args=[system.public_id])).content.decode()
    assert "Capita" in html and "no agreement on file" in html
    assert reverse("processors:processor-detail", args=[supplier.public_id]) in html


def test_the_asset_form_links_record_types_and_audits_them(personas: Personas,
                                                           login: Login) -> None:
    asset = add(personas)
    pupils, sen = own_type(personas), own_type(personas, "SEN files")
    client = login(personas.dpo)
    url = reverse("assets:asset-edit", args=[asset.public_id])
    html = client.get(url).content.decode()
    assert "Record types it holds" in html and str(sen.public_id) in html
    response = client.post(url, {"name": "Pupil files", "group": str(asset.group.public_id),
                                 "classification": "unclassified", "version": "1",
                                 "record_types": [str(pupils.public_id), str(sen.public_id)]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(AssetRecordType.objects.values_list("record_type__name", flat=True)) == {
        "Pupil records", "SEN files"}
    event = AuditEvent.objects.filter(action="assets.asset.updated").latest("sequence")
    assert event.changes["record_types"] == {"before": [],
                                             "after": ["Pupil records", "SEN files"]}


def test_the_processing_record_lists_processors_and_keeps_its_queries(
        personas: Personas, login: Login, django_assert_num_queries) -> None:
    processor(personas, agreement_on_file=True, agreement_review_on=date(2027, 4, 1),
              data_location=DataLocation.ELSEWHERE, transfer_mechanism=TransferMechanism.IDTA)
    pupils = own_type(personas)
    for n in range(3):
        add(personas, f"Asset {n}", record_types=[pupils])
    client = login(personas.dpo)
    url = reverse("assets:processing-record")
    html = client.get(url).content.decode()
    assert "Capita" in html and "review due 1 April 2027" in html
    assert "International Data Transfer Agreement (IDTA)" in html
    assert "Pupil records: 25 years after the pupil&#x27;s date of birth" in html
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(3, 40):
        asset = add(personas, f"Asset {n}", record_types=[pupils])
        Dpia.objects.create(school=personas.school, asset=asset, state=DpiaState.IN_PROGRESS,
                            screening_required=True)
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_the_processing_record_xlsx_has_a_sheet_of_processors(personas: Personas,
                                                              login: Login) -> None:
    processor(personas, agreement_on_file=False)
    add(personas)
    response = login(personas.dpo).get(reverse("assets:processing-record-xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Processors and controllers"].iter_rows(values_only=True))
    assert rows[0][0] == "Organisation" and rows[1][0] == "Capita"
    assert rows[1][3] == "No agreement on file"


def test_the_processing_record_names_joint_arrangements_and_missing_mechanisms(
        personas: Personas, login: Login) -> None:
    from schoolkeep.privacy.suppliers.models import ProcessorRole
    processor(personas, "Trust MIS", role=ProcessorRole.JOINT_CONTROLLER,
              agreement_on_file=True, data_location=DataLocation.UK)
    processor(personas, "Academy partner", role=ProcessorRole.JOINT_CONTROLLER,
              agreement_on_file=False, data_location=DataLocation.UK)
    processor(personas, "Faraway cloud", agreement_on_file=True,
              data_location=DataLocation.ELSEWHERE)
    add(personas)
    client = login(personas.dpo)
    html = client.get(reverse("assets:processing-record")).content.decode()
    assert "Arrangement (Art 26) on file" in html
    assert "Arrangement (Art 26) not on file" in html
    assert "Elsewhere: No transfer mechanism recorded" in html
    workbook = load_workbook(io.BytesIO(
        client.get(reverse("assets:processing-record-xlsx")).content))
    rows = {row[0]: row for row in workbook["Processors and controllers"].iter_rows(
        values_only=True)}
    assert rows["Trust MIS"][3] == "Arrangement (Art 26) on file"
    assert rows["Academy partner"][3] == "Arrangement (Art 26) not on file"
    assert rows["Faraway cloud"][4] == "Elsewhere: No transfer mechanism recorded"


@pytest.fixture
def uploads_dir(settings, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


@pytest.mark.usefixtures("uploads_dir")
def test_a_disposals_certificate_writes_one_entry_in_the_log(personas: Personas) -> None:
    serials = ["5CD1234ABC", "5CD5678DEF"]
    disposal = make_disposal(personas.school, serials, reference="JOB-881")
    document_upload(disposal=disposal, actor=personas.it_lead, kind="certificate",
                    uploaded_file=upload(certificate_pdf(serials)))
    entry = Destruction.objects.get()
    assert (entry.method, entry.source, entry.disposal, entry.quantity) == (
        DestructionMethod.DISPOSAL_COMPANY, "equipment_disposal", disposal, 2)
    assert (entry.certificate_reference, entry.destroyed_on) == ("JOB-881",
                                                                 disposal.collected_on)
    assert entry.destroyed_by_label == "Shred Co Ltd"
    document_upload(disposal=disposal, actor=personas.it_lead, kind="certificate",
                    uploaded_file=upload(certificate_pdf(serials)))
    assert Destruction.objects.count() == 1  # a replacement certificate writes no second
