"""The disposal services: a batch disposes of its items (audited), refuses items that
cannot leave, a certificate's text matches the batch (and says what is missing and what is
extra), a scan falls back to matching by hand, a bad upload is refused with no file kept,
a stale change is refused, and only equipment managers may write."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.disposals import selectors, services
from schoolkeep.equipment.models import Disposal, DisposalItem, Item
from schoolkeep.equipment.tests.test_disposal_helpers import (
    certificate_pdf,
    days_ago,
    encrypted_pdf,
    make_disposal,
    make_item,
    scan_pdf,
    upload,
)
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion

pytestmark = pytest.mark.django_db

SERIALS = ["5CD1234ABC", "5CD5678DEF", "5CD9012GHI"]


def stored_files() -> list[Path]:
    folder = Path(settings.UPLOADS_DIR) / services.FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def test_a_batch_disposes_of_its_items_and_audits_each(personas: Personas) -> None:
    make_item(personas.school, "5CD1234ABC", tag="HP-0142")
    make_item(personas.school, "5CD5678DEF")
    disposal = services.disposal_create(
        school=personas.school, actor=personas.siro, company_name="Shred Co Ltd",
        collected_on=days_ago(3), items=["hp-0142", "5cd-5678 def"], reference="J-1",
        waste_carrier_registration="CBDU1234", permit_or_certification="ADISA 99")
    assert disposal.company.name == "Shred Co Ltd" and disposal.created_by_label
    assert set(Item.objects.values_list("status", flat=True)) == {Item.Status.DISPOSED}
    assert DisposalItem.objects.filter(disposal=disposal).count() == 2
    actions = list(AuditEvent.objects.filter(action__startswith="equipment.")
                   .values_list("action", flat=True))
    assert actions.count("equipment.item.disposed") == 2
    assert "equipment.disposal.created" in actions
    assert "equipment.disposal.items-added" in actions


def test_items_that_cannot_leave_or_are_unknown_are_refused(personas: Personas) -> None:
    make_item(personas.school, "LOST123456", status=Item.Status.LOST)
    make_disposal(personas.school, ["5CD1234ABC"])
    for items, words in ((["LOST123456"], "lost"), (["5CD1234ABC"], "disposed of"),
                         (["NOSUCH0001"], "NOSUCH0001"), ([], "at least one")):
        with pytest.raises(DomainError) as caught:
            services.disposal_create(school=personas.school, actor=None,
                                     company_name="Shred Co", collected_on=days_ago(1),
                                     items=items)
        assert caught.value.field == "items" and words in caught.value.message
    # Another school's item is not found by its serial.
    make_item(personas.other_school, "OTHER12345")
    with pytest.raises(DomainError):
        services.disposal_create(school=personas.school, actor=None, company_name="X",
                                 collected_on=days_ago(1), items=["OTHER12345"])


def test_a_future_collection_date_is_refused(personas: Personas) -> None:
    make_item(personas.school, "5CD1234ABC")
    with pytest.raises(DomainError) as caught:
        services.disposal_create(school=personas.school, actor=None, company_name="X",
                                 collected_on=days_ago(-1), items=["5CD1234ABC"])
    assert caught.value.field == "collected_on"


def test_only_equipment_managers_write(personas: Personas) -> None:
    make_item(personas.school, "5CD1234ABC")
    for user in (personas.dpo, personas.auditor, personas.staff, personas.outsider):
        with pytest.raises(NotAllowed):
            services.disposal_create(school=personas.school, actor=user, company_name="X",
                                     collected_on=days_ago(1), items=["5CD1234ABC"])
    assert not Disposal.objects.exists()


def test_a_new_company_needs_someone_who_may_add_organisations(personas: Personas) -> None:
    make_item(personas.school, "5CD1234ABC")
    from schoolkeep.assets.services import organisation_get_or_create

    known = organisation_get_or_create(school=personas.school, name="Known Shredders",
                                       actor=None)
    disposal = services.disposal_create(school=personas.school, actor=personas.it_lead,
                                        company=known, collected_on=days_ago(1),
                                        items=["5CD1234ABC"])
    assert disposal.company == known
    # A name not yet known adds an outside organisation: those who record disposals
    # (equipment.manage: the IT lead, the business manager) may add a disposal company.
    make_item(personas.school, "5CD5678DEF")
    added = services.disposal_create(school=personas.school, actor=personas.it_lead,
                                     company_name="New Shredders", collected_on=days_ago(1),
                                     items=["5CD5678DEF"])
    assert added.company.name == "New Shredders"
    make_item(personas.school, "5CD9012GHI")
    by_manager = services.disposal_create(
        school=personas.school, actor=personas.business_manager,
        company_name="Other Shredders", collected_on=days_ago(1), items=["5CD9012GHI"])
    assert by_manager.company.name == "Other Shredders"


def test_a_refused_new_company_is_said_on_the_company_field(personas: Personas,
                                                             monkeypatch) -> None:
    from schoolkeep.assets import services as asset_services

    seen: dict[str, str] = {}

    def refuse(**kwargs):
        seen["permission"] = kwargs["permission"]
        raise NotAllowed("You may not add outside organisations.")

    monkeypatch.setattr(asset_services, "organisation_get_or_create", refuse)
    with pytest.raises(DomainError) as caught:
        services.company_for(school=personas.school, actor=personas.it_lead,
                             company_name="New Shredders")
    assert caught.value.field == "company_name" and "record disposals" in caught.value.message
    assert seen == {"permission": "equipment.manage"}


def test_a_text_certificate_matches_names_missing_and_extra(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    # The first serial broken over two lines, the second with a hyphen; the third missing;
    # one serial that is not in the batch.
    data = certificate_pdf(["5CD12", "34ABC", "5CD-5678-DEF", "ZZ99887766"])
    services.document_upload(disposal=disposal, actor=personas.it_lead, kind="certificate",
                             uploaded_file=upload(data))
    disposal.refresh_from_db()
    assert disposal.certificate_has_text is True
    entries = selectors.disposal_entries(disposal)
    report = selectors.certificate_report(disposal, entries)
    assert sorted(e.item.serial_number for e in report.matched) == SERIALS[:2]
    assert [e.item.serial_number for e in report.missing] == ["5CD9012GHI"]
    assert report.not_in_batch == ["ZZ99887766"] and report.missing_needing == 1
    assert {e.matched_by for e in report.matched} == {DisposalItem.MatchedBy.CERTIFICATE_TEXT}
    assert len(stored_files()) == 1
    assert AuditEvent.objects.filter(action="equipment.disposal.certificate-uploaded").exists()


def test_a_scan_falls_back_to_matching_by_hand(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    services.document_upload(disposal=disposal, actor=personas.it_lead, kind="certificate",
                             uploaded_file=upload(scan_pdf()))
    disposal.refresh_from_db()
    assert disposal.certificate_has_text is False and disposal.certificate_serials == []
    assert not DisposalItem.objects.exclude(matched_by="").exists()
    item = Item.objects.get(serial_key="5CD1234ABC")
    entry = services.item_match(disposal=disposal, actor=personas.it_lead,
                                item_id=item.public_id, matched=True)
    assert entry.matched_by == DisposalItem.MatchedBy.HAND
    assert entry.matched_by_user == personas.it_lead
    assert AuditEvent.objects.filter(action="equipment.disposal.matched").count() == 1
    services.item_match(disposal=disposal, actor=personas.it_lead, item_id=item.public_id,
                        matched=False)
    entry.refresh_from_db()
    assert entry.matched_by == ""
    assert AuditEvent.objects.filter(action="equipment.disposal.unmatched").count() == 1


def test_an_encrypted_certificate_is_kept_and_matched_by_hand(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(encrypted_pdf(SERIALS)))
    disposal.refresh_from_db()
    assert disposal.certificate_has_text is False and len(stored_files()) == 1


def test_matching_by_hand_needs_a_certificate_and_an_item_of_the_batch(
        personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    item = Item.objects.get(serial_key="5CD1234ABC")
    with pytest.raises(DomainError, match="certificate"):
        services.item_match(disposal=disposal, actor=None, item_id=item.public_id,
                            matched=True)
    other = make_item(personas.school, "ELSEWHERE1")
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(scan_pdf()))
    with pytest.raises(DomainError) as caught:
        services.item_match(disposal=disposal, actor=None, item_id=other.public_id,
                            matched=True)
    assert caught.value.field == "item"


def test_a_new_certificate_reads_again_and_keeps_matches_by_hand(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(SERIALS[:1])))
    third = Item.objects.get(serial_key="5CD9012GHI")
    services.item_match(disposal=disposal, actor=None, item_id=third.public_id, matched=True)
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(SERIALS[1:2])))
    matched = dict(DisposalItem.objects.values_list("item__serial_key", "matched_by"))
    assert matched == {"5CD1234ABC": "", "5CD5678DEF": "certificate_text",
                       "5CD9012GHI": "hand"}
    # The earlier certificate is kept (nothing is deleted), listed as an earlier version.
    assert len(stored_files()) == 2
    disposal.refresh_from_db()
    earlier = services.earlier_files(disposal)
    assert [(f["kind"], f["number"]) for f in earlier] == [("certificate", 0)]
    assert (Path(settings.UPLOADS_DIR) / services.FOLDER / earlier[0]["stored_name"]).exists()
    assert earlier[0]["stored_name"] != disposal.certificate_stored_name
    with services.document_open(disposal=disposal, actor=None, kind="certificate",
                                earlier=0) as handle:
        assert handle.read(5) == b"%PDF-"
    with pytest.raises(DomainError):
        services.document_open(disposal=disposal, actor=None, kind="note", earlier=0)
    with pytest.raises(DomainError):
        services.document_open(disposal=disposal, actor=None, kind="certificate", earlier=1)


def test_a_note_uploaded_again_keeps_the_earlier_note(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    for name in ("first.pdf", "second.pdf", "third.pdf"):
        services.document_upload(disposal=disposal, actor=None, kind="note",
                                 uploaded_file=upload(certificate_pdf([name]), name))
    disposal.refresh_from_db()
    assert len(stored_files()) == 3 and disposal.note_original_name == "third.pdf"
    assert [f["original_name"] for f in services.earlier_files(disposal)] == [
        "second.pdf", "first.pdf"]


def test_the_certificate_is_read_before_the_batch_is_locked(personas: Personas,
                                                             monkeypatch) -> None:
    from django.db import transaction

    disposal = make_disposal(personas.school, SERIALS)
    events: list[str] = []
    real_read, real_atomic = services.certificates.read, transaction.atomic

    def read(data, **kwargs):
        events.append("read")
        return real_read(data, **kwargs)

    class Transactions:
        @staticmethod
        def atomic(*args, **kwargs):
            events.append("lock")
            return real_atomic(*args, **kwargs)

    monkeypatch.setattr(services.certificates, "read", read)
    monkeypatch.setattr(services, "transaction", Transactions)
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(SERIALS)))
    assert events == ["read", "lock"]
    assert DisposalItem.objects.filter(matched_by="certificate_text").count() == 3


def test_a_hostile_certificate_is_kept_and_left_to_match_by_hand(personas: Personas) -> None:
    import time

    from schoolkeep.equipment.tests.test_disposal_certificates import hostile_pdf

    disposal = make_disposal(personas.school, SERIALS)
    started = time.monotonic()
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(hostile_pdf(6 * 1024 * 1024)))
    assert time.monotonic() - started < 10
    disposal.refresh_from_db()
    assert disposal.certificate_has_text is False
    event = AuditEvent.objects.get(action="equipment.disposal.certificate-uploaded")
    assert event.changes["unreadable_pages"]["after"] == 1


def test_an_item_on_loan_is_refused_naming_the_borrower(personas: Personas) -> None:
    from schoolkeep.equipment.models import Loan
    from schoolkeep.people.services import person_create

    item = make_item(personas.school, "5CD1234ABC", tag="LT-1", kind=Item.Kind.LAPTOP,
                     status=Item.Status.IN_USE)
    person = person_create(school=personas.school, actor=None, full_name="Ada Lovelace",
                           kind="teaching", start_date=days_ago(400))
    loan = Loan.objects.create(school=personas.school, item=item, person=person,
                               issued_on=days_ago(10), expected_return_on=days_ago(-10),
                               issued_by_label="test")
    with pytest.raises(DomainError) as caught:
        services.disposal_create(school=personas.school, actor=None, company_name="Shred Co",
                                 collected_on=days_ago(1), items=["LT-1"])
    assert caught.value.field == "items"
    assert caught.value.message == (
        "Laptop LT-1 is on loan to Ada Lovelace: record its return first.")
    assert not Disposal.objects.exists()
    Loan.objects.filter(pk=loan.pk).update(returned_on=days_ago(0))
    services.disposal_create(school=personas.school, actor=None, company_name="Shred Co",
                             collected_on=days_ago(1), items=["LT-1"])
    item.refresh_from_db()
    assert item.status == Item.Status.DISPOSED


def test_a_huge_list_of_items_is_refused_quickly(personas: Personas) -> None:
    import time

    lines = [f"SERIAL{n:08d}" for n in range(60_000)]
    started = time.monotonic()
    with pytest.raises(DomainError) as caught:
        services.disposal_create(school=personas.school, actor=None, company_name="Shred Co",
                                 collected_on=days_ago(1), items=lines)
    assert time.monotonic() - started < 1
    assert caught.value.field == "items" and "at most 500" in caught.value.message
    # 500 lines with repeats are fine as far as the count goes (and keep their order).
    assert services._wanted_keys(["b", "a", "b", " a ", "c"]) == ["b", "a", "c"]


def test_notes_are_bounded(personas: Personas) -> None:
    make_item(personas.school, "5CD1234ABC")
    with pytest.raises(DomainError) as caught:
        services.disposal_create(school=personas.school, actor=None, company_name="Shred Co",
                                 collected_on=days_ago(1), items=["5CD1234ABC"],
                                 notes="x" * 5_001)
    assert caught.value.field == "notes"


def test_a_match_keeps_the_name_of_who_made_it(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(scan_pdf()))
    item = Item.objects.get(serial_key="5CD1234ABC")
    entry = services.item_match(disposal=disposal, actor=personas.it_lead,
                                item_id=item.public_id, matched=True)
    entry.refresh_from_db()
    assert entry.matched_by_label == str(personas.it_lead) and entry.matched_by_label
    services.item_match(disposal=disposal, actor=personas.it_lead, item_id=item.public_id,
                        matched=False)
    entry.refresh_from_db()
    assert entry.matched_by_label == ""


def test_the_search_finds_serials_and_tags_as_typed(personas: Personas) -> None:
    make_item(personas.school, "5CD1234ABC", tag="HP-0142")
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    for typed in ("5cd-1234 abc", "hp 0142", "1234ABC"):
        assert list(selectors.disposal_list(school=personas.school, search=typed)) == [
            disposal], typed
    assert list(selectors.disposal_list(school=personas.school, search="ZZZ-999")) == []


@pytest.mark.parametrize("data, words", [
    (b"<html><script>alert(1)</script></html>", "must be a PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "must be a PDF"),
    (b"", "empty"),
])
def test_a_bad_upload_is_refused_and_nothing_kept(personas: Personas, data: bytes,
                                                   words: str) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    with pytest.raises(DomainError) as caught:
        services.document_upload(disposal=disposal, actor=None, kind="certificate",
                                 uploaded_file=upload(data, "certificate.pdf"))
    assert words in caught.value.message and caught.value.field == "file"
    assert stored_files() == []
    disposal.refresh_from_db()
    assert disposal.certificate_stored_name == ""


def test_a_too_large_upload_is_refused(personas: Personas, monkeypatch) -> None:
    disposal = make_disposal(personas.school, SERIALS)
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    with pytest.raises(DomainError, match="smaller"):
        services.document_upload(disposal=disposal, actor=None, kind="note",
                                 uploaded_file=upload(certificate_pdf(["x"])))
    assert stored_files() == []


def test_a_stale_change_is_refused_and_a_fresh_one_adds_items(personas: Personas) -> None:
    disposal = make_disposal(personas.school, SERIALS[:1])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(SERIALS)))
    with pytest.raises(StaleVersion):
        services.disposal_update(disposal=disposal, actor=None, version=1, reference="X")
    make_item(personas.school, SERIALS[1])
    disposal.refresh_from_db()
    services.disposal_update(disposal=disposal, actor=personas.business_manager,
                             version=disposal.version, reference="J-2",
                             add_items=[SERIALS[1]])
    disposal.refresh_from_db()
    assert disposal.reference == "J-2"
    # The certificate already names the added item: it is matched at once.
    assert DisposalItem.objects.get(item__serial_key=SERIALS[1]).matched_by == (
        DisposalItem.MatchedBy.CERTIFICATE_TEXT)
    assert AuditEvent.objects.filter(action="equipment.disposal.updated").exists()


def test_the_note_is_kept_two_years() -> None:
    from datetime import date

    assert selectors.keep_note_until(date(2026, 3, 1)) == date(2028, 3, 1)
    assert selectors.keep_note_until(date(2028, 2, 29)) == date(2030, 2, 28)
