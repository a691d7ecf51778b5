"""The suppliers' services: what a record must hold (transfers, certificates, dates, terms),
who may write, the stale version, the agreement's upload checked by its content and its
audited download, the yearly review and archiving; every write audited."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.privacy.suppliers import services
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.tests.suppliers_support import PDF, organisation, supplier, system

pytestmark = pytest.mark.django_db


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<?xml version=\"1.0\"?><w:document/>")
    return buffer.getvalue()


def upload(name: str = "dpa.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def stored_agreements() -> list[str]:
    folder = services.agreement_path("x").parent
    return sorted(path.name for path in folder.glob("*")) if folder.exists() else []


def test_create_links_systems_and_the_register_and_audits(personas: Personas) -> None:
    school = personas.school
    mis = system(school, "MIS")
    acme = organisation(school, "Acme Ltd")
    processor = supplier(school, "  Acme   Ltd ", systems=[mis], outside_organisation=acme,
                         article28_terms=["instructions", "security"],
                         contract_holder="Business manager")
    assert (processor.name, processor.name_key) == ("Acme Ltd", "acme ltd")
    assert list(processor.systems.all()) == [mis]
    assert processor.article28_terms == {"instructions": True, "security": True}
    event = AuditEvent.objects.get(action="processors.processor.created")
    assert event.target_label == "Acme Ltd"
    assert event.changes["systems"]["after"] == ["MIS"]
    # A value that may name a person is recorded only as changed.
    assert "Business manager" not in str(event.changes)


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"data_location": "elsewhere"}, "transfer_mechanism", "needs a safeguard"),
    ({"data_location": "elsewhere", "transfer_mechanism": "idta"},
     "transfer_risk_assessed_on", "transfer risk assessment"),
    ({"data_location": "elsewhere", "transfer_mechanism": "other",
      "transfer_risk_assessed_on": "2025-01-01"}, "transfer_mechanism_note", "Say which"),
    ({"data_location": "mars"}, "data_location", "UK, the EEA or elsewhere"),
    ({"cyber_essentials": "ce"}, "cyber_essentials_expires_on", "expires"),
    ({"iso27001": True}, "iso27001_expires_on", "expires"),
    ({"iso27001": "yes"}, "iso27001", "yes or no"),
    ({"article28_terms": ["magic"]}, "article28_terms", "no Article 28 term"),
    ({"agreement_signed_on": "2020-02-30"}, "agreement_signed_on", "real date"),
    ({"agreement_signed_on": "2024-05-01", "agreement_review_on": "2024-04-01"},
     "agreement_review_on", "after the date it was signed"),
    ({"name": ""}, "name", "Enter the supplier's name"),
    ({"name": "x" * 201}, "name", "200 characters"),
    ({"role": "boss"}, "role", "processor"),
    ({"colour": "red"}, "colour", "no field"),
])
def test_a_broken_record_names_its_field_and_writes_nothing(
        personas: Personas, fields: dict[str, Any], field: str, words: str) -> None:
    fields = dict(fields)
    name = fields.pop("name", "Acme Ltd")
    with pytest.raises(DomainError) as caught:
        supplier(personas.school, name, **fields)
    assert caught.value.field == field
    assert words in caught.value.message
    assert not Processor.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="processors.").exists()


def test_adequacy_needs_no_risk_assessment_and_the_uk_keeps_no_mechanism(
        personas: Personas) -> None:
    abroad = supplier(personas.school, "Far Ltd", data_location="elsewhere",
                      transfer_mechanism="adequacy",
                      transfer_mechanism_note="Japan")
    assert abroad.transfer_risk_assessed_on is None
    home = supplier(personas.school, "Near Ltd", data_location="uk", transfer_mechanism="idta",
                    transfer_mechanism_note="x")
    assert (home.transfer_mechanism, home.transfer_mechanism_note) == ("", "")


def test_names_and_records_stay_in_their_school(personas: Personas) -> None:
    supplier(personas.school, "Acme Ltd")
    with pytest.raises(DomainError) as caught:
        supplier(personas.school, "ACME  ltd")
    assert caught.value.field == "name"
    supplier(personas.other_school, "Acme Ltd")  # another school may have its own
    theirs = system(personas.other_school, "Their MIS")
    with pytest.raises(DomainError) as caught:
        supplier(personas.school, "Beta Ltd", systems=[theirs])
    assert caught.value.field == "systems"
    their_org = organisation(personas.other_school, "Gamma Ltd")
    with pytest.raises(DomainError) as caught:
        supplier(personas.school, "Gamma Ltd", outside_organisation=their_org)
    assert caught.value.field == "outside_organisation"


def test_only_managers_write(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.processor_create(school=personas.school, actor=personas.auditor, name="A")
    processor = services.processor_create(school=personas.school,
                                          actor=personas.business_manager, name="A")
    for actor in (personas.iao, personas.staff, personas.outsider):
        with pytest.raises(NotAllowed):
            services.processor_update(processor, actor=actor, version=1, name="B")


def test_update_is_versioned_and_audited(personas: Personas) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    changed = services.processor_update(processor, actor=personas.dpo, version=1,
                                        security_statement="Encrypted at rest")
    assert changed.version == 2
    with pytest.raises(StaleVersion):
        services.processor_update(processor, actor=personas.dpo, version=1, name="B")
    same = services.processor_update(processor, actor=personas.dpo, version=2,
                                     security_statement="Encrypted at rest")
    assert same.version == 2  # nothing changed: no new version, no event
    events = AuditEvent.objects.filter(action="processors.processor.updated")
    assert events.count() == 1
    assert events[0].changes["security_statement"]["after"] == "Encrypted at rest"


def test_the_agreement_upload_pdf_and_docx(personas: Personas,
                                           django_capture_on_commit_callbacks: Any) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    today = timezone.localdate()
    kept = services.processor_agreement_upload(
        processor, actor=personas.dpo, version=1, uploaded_file=upload(),
        signed_on=today - timedelta(days=10), review_on=today + timedelta(days=355),
        contract_holder="Business manager")
    assert kept.agreement_on_file and kept.agreement_file.endswith(".pdf")
    assert kept.agreement_file_name == "dpa.pdf"
    first = services.agreement_path(kept.agreement_file)
    assert first.read_bytes() == PDF
    with django_capture_on_commit_callbacks(execute=True):
        renewed = services.processor_agreement_upload(
            processor, actor=personas.dpo, version=2,
            uploaded_file=upload("renewed.docx", docx()), signed_on=today)
    assert renewed.agreement_file.endswith(".docx")
    assert services.agreement_content_type(renewed).endswith("wordprocessingml.document")
    assert not first.exists()  # the replaced document is deleted
    with services.processor_agreement_open(renewed, actor=personas.auditor) as handle:
        assert handle.read() == docx()
    assert AuditEvent.objects.filter(action="processors.agreement.uploaded").count() == 2
    assert AuditEvent.objects.filter(action="processors.agreement.downloaded").count() == 1


@pytest.mark.parametrize(("data", "name", "field", "words"), [
    (b"<html><script>alert(1)</script></html>", "dpa.pdf", "agreement_file", "PDF or a Word"),
    (b"PK\x03\x04not really a zip", "dpa.docx", "agreement_file", "damaged"),
    (b"", "dpa.pdf", "agreement_file", "empty"),
    (PDF + b"x" * (10 * 1024 * 1024), "big.pdf", "agreement_file", "10 MB"),
])
def test_a_bad_agreement_file_is_refused_by_its_content(
        personas: Personas, data: bytes, name: str, field: str, words: str) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    with pytest.raises(DomainError) as caught:
        services.processor_agreement_upload(processor, actor=None, version=1,
                                            uploaded_file=upload(name, data),
                                            signed_on=timezone.localdate())
    assert caught.value.field == field and words in caught.value.message
    processor.refresh_from_db()
    assert not processor.agreement_on_file and processor.version == 1
    assert stored_agreements() == []


def test_the_upload_needs_a_signed_date_not_in_the_future(personas: Personas) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    for signed, words in ((None, "Enter the date"),
                          (timezone.localdate() + timedelta(days=1), "future")):
        with pytest.raises(DomainError) as caught:
            services.processor_agreement_upload(processor, actor=None, version=1,
                                                uploaded_file=upload(), signed_on=signed)
        assert caught.value.field == "signed_on" and words in caught.value.message
    assert stored_agreements() == []


def test_no_document_to_open(personas: Personas) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    with pytest.raises(DomainError):
        services.processor_agreement_open(processor, actor=None)


def test_the_yearly_review_and_archiving(personas: Personas) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    today = timezone.localdate()
    with pytest.raises(DomainError) as caught:
        services.processor_review_record(processor, actor=personas.dpo, version=1,
                                         reviewed_on=today + timedelta(days=1))
    assert caught.value.field == "reviewed_on"
    reviewed = services.processor_review_record(processor, actor=personas.dpo, version=1,
                                                reviewed_on=today)
    assert reviewed.last_reviewed_on == today
    assert reviewed.last_reviewed_by_label == str(personas.dpo)
    event = AuditEvent.objects.get(action="processors.processor.reviewed")
    assert str(personas.dpo.full_name) not in str(event.changes)
    archived = services.processor_archive(processor, actor=personas.dpo)
    assert archived.archived_at is not None
    assert services.processor_archive(processor, actor=personas.dpo).archived_at == (
        archived.archived_at)
    with pytest.raises(DomainError):
        services.processor_update(processor, actor=personas.dpo, version=archived.version,
                                  name="B")
    supplier(personas.school, "Acme Ltd")  # the name is free again
