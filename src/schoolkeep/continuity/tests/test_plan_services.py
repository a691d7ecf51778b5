"""The recovery plan's services: the text (stale saves refused), the document (PDF or Word by
content, bounded, earlier ones kept, opened and audited), the contacts (the usual ones with
the DPO's number, moved, removed with the rest closing up), the restore order and plan tests
(bad input names its field and writes nothing), and who may do it."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.continuity.models import PlanContact, PlanTest, RecoveryPlan, Scope
from schoolkeep.continuity.plan import services
from schoolkeep.lib.downloads import DOCX
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.text import fold

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> None:
    settings.UPLOADS_DIR = str(tmp_path / "uploads")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def make_scope(school, name: str, **fields) -> Scope:
    return Scope.objects.create(school=school, kind=fields.pop("kind", "other"), name=name,
                                name_key=fold(name), **fields)


def audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_text_is_saved_audited_and_a_stale_save_refused(personas: Personas) -> None:
    plan = services.plan_text_save(school=personas.school, actor=personas.siro,
                                   text="Call IT first.\r\nThen the DPO.", version=1)
    assert plan.text == "Call IT first.\nThen the DPO." and plan.version == 2
    assert audits("continuity.plan.text-changed") == 1
    with pytest.raises(StaleVersion):
        services.plan_text_save(school=personas.school, actor=personas.siro, text="Other",
                                version=1)
    assert RecoveryPlan.objects.get(school=personas.school).text.startswith("Call IT")


def test_empty_text_without_a_document_is_refused(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        services.plan_text_save(school=personas.school, actor=personas.siro, text="  ",
                                version=1)
    assert error.value.field == "text"


def test_text_with_nul_or_too_long_names_the_field(personas: Personas) -> None:
    for text in ("a\x00b", "x" * (services.MAX_TEXT + 1)):
        with pytest.raises(DomainError) as error:
            services.plan_text_save(school=personas.school, actor=personas.siro, text=text,
                                    version=1)
        assert error.value.field == "text"
    assert audits("continuity.plan.text-changed") == 0


def test_read_only_and_plain_staff_may_not_change_the_plan(personas: Personas) -> None:
    for user in (personas.auditor, personas.staff, personas.dpo):
        with pytest.raises(NotAllowed):
            services.plan_text_save(school=personas.school, actor=user, text="x", version=1)
        with pytest.raises(NotAllowed):
            services.plan_test_create(school=personas.school, actor=user,
                                      tested_on=timezone.localdate(), kind="tabletop",
                                      participants="Us")


def test_pdf_and_word_documents_are_kept_with_the_earlier_one(personas: Personas) -> None:
    school = personas.school
    first = services.plan_document_upload(school=school, actor=personas.siro,
                                          uploaded_file=upload("plan.pdf", PDF_BYTES))
    assert first.document_stored_name.endswith(".pdf")
    second = services.plan_document_upload(school=school, actor=personas.it_lead,
                                           uploaded_file=upload("plan v2.docx", docx_bytes()))
    assert second.document_stored_name.endswith(".docx")
    assert second.document_original_name == "plan v2.docx"
    assert [e["original_name"] for e in second.earlier_documents] == ["plan.pdf"]
    handle, content_type = services.plan_document_open(plan=second, actor=personas.dpo)
    with handle:
        assert handle.read() == docx_bytes()
    assert content_type == DOCX
    handle, content_type = services.plan_document_open(plan=second, actor=personas.dpo,
                                                       earlier=0)
    with handle:
        assert handle.read() == PDF_BYTES
    assert audits("continuity.plan.document-uploaded") == 2
    assert audits("continuity.plan.document-downloaded") == 2
    with pytest.raises(DomainError):
        services.plan_document_open(plan=second, actor=personas.dpo, earlier=5)


@pytest.mark.parametrize(("name", "data", "words"), [
    ("plan.pdf", b"", "empty"),
    ("plan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "PDF or a Word"),
    ("plan.html", b"<html><script>alert(1)</script></html>", "PDF or a Word"),
    ("plan.docx", b"PK\x03\x04not a zip at all", "damaged"),
    ("plan.xlsx", None, "PDF or a Word"),
])
def test_other_files_are_refused_naming_the_file(personas: Personas, name, data,
                                                 words) -> None:
    if data is None:  # a zip that is not a Word document
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        data = buffer.getvalue()
    with pytest.raises(DomainError) as error:
        services.plan_document_upload(school=personas.school, actor=personas.siro,
                                      uploaded_file=upload(name, data))
    assert error.value.field == "file" and words in error.value.message
    assert not RecoveryPlan.objects.filter(school=personas.school,
                                           document_stored_name__gt="").exists()


def test_a_file_over_10_mb_is_refused(personas: Personas) -> None:
    big = upload("plan.pdf", PDF_BYTES + b"0" * services.MAX_BYTES)
    with pytest.raises(DomainError) as error:
        services.plan_document_upload(school=personas.school, actor=personas.siro,
                                      uploaded_file=big)
    assert "10 MB" in error.value.message and error.value.field == "file"


def test_usual_contacts_added_once_with_the_dpo_number(personas: Personas) -> None:
    school = personas.school
    school.dpo_phone = "01632 960 111"
    school.save()
    added = services.contacts_add_defaults(school=school, actor=personas.siro)
    assert [c.kind for c in added] == ["it_support", "dpo", "rpa", "dfe", "action_fraud",
                                       "police"]
    assert [c.position for c in added] == [1, 2, 3, 4, 5, 6]
    by_kind = {c.kind: c for c in added}
    assert by_kind["dpo"].phone == "01632 960 111"
    assert by_kind["dpo"].email == personas.dpo.email
    assert personas.dpo.full_name in by_kind["dpo"].name
    assert by_kind["action_fraud"].phone == "0300 123 2040"
    assert by_kind["police"].phone == "101"
    assert services.contacts_add_defaults(school=school, actor=personas.siro) == []
    assert PlanContact.objects.filter(school=school).count() == 6


def test_contacts_move_and_close_up_when_one_is_removed(personas: Personas) -> None:
    school = personas.school
    first, second, third = (services.contact_create(school=school, actor=personas.siro,
                                                    kind="other", name=name, phone="101")
                            for name in ("A", "B", "C"))
    services.contact_move(contact=third, actor=personas.siro, direction="up")
    order = list(PlanContact.objects.filter(school=school).values_list("name", flat=True))
    assert order == ["A", "C", "B"]
    services.contact_move(contact=first, actor=personas.siro, direction="up")  # already first
    services.contact_remove(contact=first, actor=personas.siro)
    rows = list(PlanContact.objects.filter(school=school).values_list("name", "position"))
    assert rows == [("C", 1), ("B", 2)]
    assert audits("continuity.plan.contact-removed") == 1
    assert audits("continuity.plan.contact-moved") == 1
    assert second.pk in set(PlanContact.objects.values_list("pk", flat=True))


def test_a_contact_needs_a_name_and_a_way_to_reach_it(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        services.contact_create(school=personas.school, actor=personas.siro, kind="other",
                                name="Nobody")
    assert error.value.field == "phone"
    with pytest.raises(DomainError) as error:
        services.contact_create(school=personas.school, actor=personas.siro, kind="nope",
                                name="X", phone="101")
    assert error.value.field == "kind"
    assert not PlanContact.objects.exists()


def test_contact_update_refuses_a_stale_version(personas: Personas) -> None:
    contact = services.contact_create(school=personas.school, actor=personas.siro,
                                      kind="police", name="Police", phone="101")
    services.contact_update(contact=contact, actor=personas.siro, version=1, phone="999")
    with pytest.raises(StaleVersion):
        services.contact_update(contact=contact, actor=personas.siro, version=1, phone="1")
    assert PlanContact.objects.get(pk=contact.pk).phone == "999"


def test_restore_order_is_set_and_audited_and_refuses_other_schools(
        personas: Personas) -> None:
    admin = make_scope(personas.school, "Admin network")
    mis = make_scope(personas.school, "MIS")
    other = make_scope(personas.other_school, "Their network")
    changed = services.restore_order_save(school=personas.school, actor=personas.it_lead,
                                          orders={str(admin.public_id): 1,
                                                  str(mis.public_id): 2})
    assert changed == 2
    assert Scope.objects.get(pk=mis.pk).restore_order == 2
    with pytest.raises(DomainError):
        services.restore_order_save(school=personas.school, actor=personas.it_lead,
                                    orders={str(other.public_id): 1})
    with pytest.raises(DomainError) as error:
        services.restore_order_save(school=personas.school, actor=personas.it_lead,
                                    orders={str(admin.public_id): 0, str(mis.public_id): 1})
    assert error.value.field == f"order-{admin.public_id}"
    assert Scope.objects.get(pk=mis.pk).restore_order == 2  # nothing partial written
    assert audits("continuity.plan.restore-order-changed") == 2


def test_plan_test_is_recorded_and_bad_input_names_the_field(personas: Personas) -> None:
    today = timezone.localdate()
    test = services.plan_test_create(school=personas.school, actor=personas.business_manager,
                                     tested_on=today, kind="tabletop",
                                     participants="Head, SIRO", findings="Move the registers")
    assert test.recorded_by_label and PlanTest.objects.count() == 1
    assert audits("continuity.plan.tested") == 1
    cases = [({"tested_on": today + timedelta(days=2)}, "tested_on"),
             ({"tested_on": None}, "tested_on"),
             ({"tested_on": "2027-02-30"}, "tested_on"),
             ({"kind": "guess"}, "kind"),
             ({"participants": "  "}, "participants")]
    for change, field in cases:
        arguments = {"tested_on": today, "kind": "tabletop", "participants": "Us", **change}
        with pytest.raises(DomainError) as error:
            services.plan_test_create(school=personas.school, actor=personas.siro,
                                      **arguments)
        assert error.value.field == field
    assert PlanTest.objects.count() == 1
