"""The people services: validation naming the field, audit events, encryption at rest,
stale versions, exceptions to the rules and certificate copies."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.utils import timezone
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.lib.crypto import keyed_hash
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people import services
from schoolkeep.people.models import CertificateCopy, Check, CheckOverride, PeopleSettings, Person
from schoolkeep.people.selectors import (
    people_settings_for,
    person_for_user,
    person_list,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
DBS_NUMBER = "001234567890"


@pytest.fixture(autouse=True)
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def make_person(personas: Personas, **fields: Any) -> Person:
    values: dict[str, Any] = {"full_name": "Ada Lovelace", "kind": "teaching"}
    values.update(fields)
    return services.person_create(school=personas.school, actor=personas.hr_admin, **values)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def actions(prefix: str) -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("id")
                .values_list("action", flat=True))


def raw_value(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


# ---------------------------------------------------------------------------- people


def test_person_create_sets_derived_fields_and_audits(personas: Personas) -> None:
    site = SiteFactory(school=personas.school, name="Main site")
    person = make_person(personas, full_name="  Ada   Lovelace ", date_of_birth=date(1990, 5, 17),
                         sites=[site], staff_number="S1", email=" Ada@Example.org ")
    assert person.full_name == "Ada Lovelace"
    assert person.name_key == "ada lovelace"
    assert person.email == "ada@example.org"
    assert person.date_of_birth_hash == keyed_hash("1990-05-17", purpose="person-dob")
    assert list(person.sites.all()) == [site]
    (event,) = events("people.person.created")
    assert event.school_id == personas.school.pk
    assert event.actor_id == personas.hr_admin.pk
    assert event.target_id == str(person.public_id)
    changes = open_event(event).changes  # sealed: the subject is a person (audit.sealing)
    assert changes["date_of_birth"] == {"before": "changed", "after": "changed"}
    assert changes["sites"]["after"] == ["Main site"]
    assert "1990" not in str(changes) and "1990" not in str(event.changes)


def test_date_of_birth_is_encrypted_at_rest(personas: Personas) -> None:
    person = make_person(personas, date_of_birth=date(1990, 5, 17))
    stored = raw_value("people_person", "date_of_birth", person.pk)
    assert "1990" not in stored
    assert stored.startswith("gAAAA")  # a Fernet token
    assert Person.objects.get(pk=person.pk).date_of_birth == date(1990, 5, 17)


@pytest.mark.parametrize(("fields", "field"), [
    ({"full_name": "   "}, "full_name"),
    ({"kind": "wizard"}, "kind"),
    ({"date_of_birth": date.today() + timedelta(days=2)}, "date_of_birth"),
    ({"start_date": date(2024, 9, 1), "leaving_date": date(2024, 8, 1)}, "leaving_date"),
    ({"email": "not an e-mail"}, "email"),
    ({"favourite_colour": "blue"}, "favourite_colour"),
])
def test_person_validation_names_the_field(personas: Personas, fields: dict[str, Any],
                                           field: str) -> None:
    with pytest.raises(DomainError) as caught:
        make_person(personas, **fields)
    assert caught.value.field == field
    assert not Person.objects.exists()
    assert not events("people.person.created")


def test_staff_number_is_unique_in_the_school(personas: Personas) -> None:
    make_person(personas, staff_number="S1")
    with pytest.raises(DomainError) as caught:
        make_person(personas, full_name="Bob", staff_number="S1")
    assert caught.value.field == "staff_number"
    other = services.person_create(school=personas.other_school, actor=personas.outsider,
                                   full_name="Carol", kind="support", staff_number="S1")
    assert other.staff_number == "S1"


def test_sites_of_another_school_are_refused(personas: Personas) -> None:
    elsewhere = SiteFactory(school=personas.other_school)
    with pytest.raises(DomainError) as caught:
        make_person(personas, sites=[elsewhere])
    assert caught.value.field == "sites"


def test_only_people_managers_write(personas: Personas) -> None:
    for actor in (personas.staff, personas.auditor, personas.dsl, personas.business_manager,
                  personas.outsider, personas.trust_admin):
        with pytest.raises(NotAllowed):
            services.person_create(school=personas.school, actor=actor, full_name="X",
                                   kind="support")
    assert make_person(personas).pk
    assert services.person_create(school=personas.school, actor=personas.siro,
                                  full_name="Y", kind="governor").pk


def test_person_update_bumps_version_and_refuses_stale(personas: Personas) -> None:
    person = make_person(personas)
    updated = services.person_update(person=person, actor=personas.hr_admin, version=1,
                                     job_title="Year 3 teacher", date_of_birth=date(1980, 1, 2))
    assert updated.version == 2
    (event,) = events("people.person.updated")
    changes = open_event(event).changes  # sealed: the subject is a person (audit.sealing)
    assert changes["job_title"] == {"before": "", "after": "Year 3 teacher"}
    assert changes["date_of_birth"] == {"before": "changed", "after": "changed"}
    with pytest.raises(StaleVersion):
        services.person_update(person=person, actor=personas.hr_admin, version=1,
                               job_title="Head of year")
    assert Person.objects.get(pk=person.pk).job_title == "Year 3 teacher"


def test_person_update_without_changes_writes_nothing(personas: Personas) -> None:
    person = make_person(personas, job_title="Teacher")
    services.person_update(person=person, actor=personas.hr_admin, version=1,
                           job_title="Teacher")
    assert Person.objects.get(pk=person.pk).version == 1
    assert not events("people.person.updated")


def test_mark_leaver_moves_them_out_of_the_current_list(personas: Personas) -> None:
    person = make_person(personas, start_date=date(2020, 9, 1))
    today = date(2026, 7, 20)
    services.person_mark_leaver(person=person, actor=personas.hr_admin,
                                leaving_date=date(2026, 7, 21))
    assert list(person_list(school=personas.school, today=today)) == [person]
    assert list(person_list(school=personas.school, today=date(2026, 7, 21))) == []
    assert list(person_list(school=personas.school, status="leavers",
                            today=date(2026, 7, 21))) == [person]
    # After the retention period (6 years by default) they leave the archive too.
    assert list(person_list(school=personas.school, status="leavers",
                            today=date(2032, 7, 22))) == []
    assert len(events("people.person.left")) == 1
    with pytest.raises(DomainError) as caught:
        services.person_mark_leaver(person=person, actor=personas.hr_admin,
                                    leaving_date=date(2019, 1, 1))
    assert caught.value.field == "leaving_date"


def test_link_account_needs_an_active_member_of_the_school(personas: Personas) -> None:
    person = make_person(personas)
    with pytest.raises(DomainError) as caught:
        services.person_link_account(person=person, actor=personas.hr_admin,
                                     user=personas.outsider)
    assert caught.value.field == "user"
    stranger = UserFactory()
    with pytest.raises(DomainError):
        services.person_link_account(person=person, actor=personas.hr_admin, user=stranger)
    services.person_link_account(person=person, actor=personas.hr_admin, user=personas.staff)
    assert person_for_user(school=personas.school, user=personas.staff) == person
    second = make_person(personas, full_name="Someone Else")
    with pytest.raises(DomainError, match="already linked"):
        services.person_link_account(person=second, actor=personas.hr_admin,
                                     user=personas.staff)
    services.person_link_account(person=person, actor=personas.hr_admin, user=None)
    assert person_for_user(school=personas.school, user=personas.staff) is None
    assert actions("people.person.acc") == ["people.person.account_linked",
                                            "people.person.account_unlinked"]


def test_deactivated_member_cannot_be_linked(personas: Personas) -> None:
    user = UserFactory()
    MembershipFactory(user=user, school=personas.school, roles=["staff"], is_active=False)
    with pytest.raises(DomainError):
        services.person_link_account(person=make_person(personas), actor=personas.hr_admin,
                                     user=user)


# ---------------------------------------------------------------------------- checks


def test_check_save_creates_then_updates_one_row(personas: Personas) -> None:
    person = make_person(personas)
    check = services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                                status="done", done_on=date(2025, 9, 1), checked_by="J Smith",
                                evidence="Passport")
    assert check.version == 1
    again = services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                                version=1, notes="Seen in person")
    assert again.pk == check.pk
    assert again.version == 2
    assert again.evidence == "Passport"  # fields not given keep their values
    assert Check.objects.filter(person=person).count() == 1
    assert actions("people.check") == [
        "people.check.created", "people.check.updated"]
    with pytest.raises(StaleVersion):
        services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                            version=1, notes="Late edit")
    with pytest.raises(StaleVersion):  # someone recorded it while the form showed "new"
        services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                            version=0, notes="Late edit")


def test_done_needs_a_date(personas: Personas) -> None:
    person = make_person(personas)
    with pytest.raises(DomainError) as caught:
        services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                            status="done")
    assert caught.value.field == "done_on"
    assert not Check.objects.exists()


@pytest.mark.parametrize("field", ["done_on", "dbs_issued_on", "update_service_checked_on"])
def test_dates_of_things_done_cannot_be_in_the_future(personas: Personas, field: str) -> None:
    person = make_person(personas)
    tomorrow = timezone.localdate() + timedelta(days=1)
    extra = {"on_update_service": True} if field == "update_service_checked_on" else {}
    with pytest.raises(DomainError) as caught:
        services.check_save(person=person, actor=personas.hr_admin, check_type="enhanced_dbs",
                            **{field: tomorrow}, **extra)
    assert caught.value.field == field


def test_right_to_work_expiry_may_be_in_the_future(personas: Personas) -> None:
    person = make_person(personas)
    check = services.check_save(
        person=person, actor=personas.hr_admin, check_type="right_to_work", status="done",
        done_on=date(2025, 1, 6), right_to_work_expires_on=date(2027, 3, 3))
    assert check.right_to_work_expires_on == date(2027, 3, 3)


@pytest.mark.parametrize(("check_type", "field"), [
    ("identity", "dbs_certificate_number"),
    ("identity", "right_to_work_expires_on"),
    ("right_to_work", "dbs_issued_on"),
    ("enhanced_dbs", "agency_certificate_provided"),
    ("barred_list", "on_update_service"),
])
def test_fields_of_another_type_are_refused(personas: Personas, check_type: str,
                                            field: str) -> None:
    person = make_person(personas)
    with pytest.raises(DomainError) as caught:
        services.check_save(person=person, actor=personas.hr_admin, check_type=check_type,
                            **{field: None})
    assert caught.value.field == field


def test_dbs_number_is_normalised_hashed_and_encrypted(personas: Personas) -> None:
    person = make_person(personas)
    check = services.check_save(
        person=person, actor=personas.hr_admin, check_type="enhanced_dbs", status="done",
        done_on=date(2025, 9, 1), dbs_certificate_number=" 0012 3456-7890 ",
        dbs_issued_on=date(2025, 8, 20), dbs_with_barred_list=True)
    assert check.dbs_certificate_number == DBS_NUMBER
    assert check.dbs_certificate_hash == keyed_hash(DBS_NUMBER, purpose="dbs-certificate")
    stored = raw_value("people_check", "dbs_certificate_number", check.pk)
    assert DBS_NUMBER not in stored and "1234" not in stored
    assert Check.objects.get(pk=check.pk).dbs_certificate_number == DBS_NUMBER
    (event,) = events("people.check.created")
    changes = open_event(event).changes  # sealed: the subject is a person (audit.sealing)
    assert changes["dbs_certificate_number"] == {"before": "changed", "after": "changed"}
    assert "1234" not in str(changes) and "1234" not in str(event.changes)
    with pytest.raises(DomainError) as caught:
        services.check_save(person=person, actor=personas.hr_admin, check_type="enhanced_dbs",
                            version=1, dbs_certificate_number="12345")
    assert caught.value.field == "dbs_certificate_number"


def test_check_writes_need_a_people_manager(personas: Personas) -> None:
    person = make_person(personas)
    with pytest.raises(NotAllowed):
        services.check_save(person=person, actor=personas.dsl, check_type="identity",
                            status="pending")


# ---------------------------------------------------------------------------- overrides


def test_override_needs_a_reason_and_is_audited(personas: Personas) -> None:
    person = make_person(personas)
    with pytest.raises(DomainError) as caught:
        services.override_set(person=person, actor=personas.hr_admin,
                              check_type="prohibition", required=True, reason="  ")
    assert caught.value.field == "reason"
    override = services.override_set(person=person, actor=personas.hr_admin,
                                     check_type="prohibition", required=True,
                                     reason="Covers lessons")
    assert override.set_by_label == str(personas.hr_admin)
    services.override_set(person=person, actor=personas.hr_admin, check_type="prohibition",
                          required=False, reason="No longer teaches")
    assert CheckOverride.objects.get(person=person).required is False
    services.override_clear(person=person, actor=personas.hr_admin, check_type="prohibition")
    assert not CheckOverride.objects.exists()
    assert actions("people.override") == ["people.override.set", "people.override.set",
                                          "people.override.cleared"]
    with pytest.raises(DomainError):
        services.override_clear(person=person, actor=personas.hr_admin,
                                check_type="prohibition")


# ---------------------------------------------------------------------------- copies


def dbs_check(personas: Personas) -> Check:
    return services.check_save(person=make_person(personas), actor=personas.hr_admin,
                               check_type="enhanced_dbs", status="pending")


def test_copy_upload_stores_a_private_file_outside_static(personas: Personas,
                                                          uploads_dir: Path) -> None:
    check = dbs_check(personas)
    before = timezone.now()
    copy = services.copy_upload(check=check, actor=personas.hr_admin,
                                uploaded_file=SimpleUploadedFile("../../dbs.pdf", PDF_BYTES))
    path = uploads_dir / "certificates" / copy.stored_name
    assert path.read_bytes() == PDF_BYTES
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "dbs" not in copy.stored_name
    assert copy.original_name == "dbs.pdf"
    assert copy.content_type == "application/pdf"
    assert before.replace(microsecond=0) < copy.delete_after - timedelta(days=180)
    assert copy.delete_after <= timezone.now() + timedelta(days=185)
    assert PeopleSettings.objects.filter(school=personas.school).exists()
    assert len(events("people.certificate_copy.uploaded")) == 1


def test_copy_period_follows_the_school_setting(personas: Personas) -> None:
    settings_row = people_settings_for(personas.school)
    settings_row.certificate_copy_months = 1
    settings_row.save()
    copy = services.copy_upload(check=dbs_check(personas), actor=personas.hr_admin,
                                uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))
    assert copy.delete_after - copy.uploaded_at < timedelta(days=32)


def test_copy_refuses_text_named_pdf_and_other_checks(personas: Personas,
                                                      uploads_dir: Path) -> None:
    check = dbs_check(personas)
    with pytest.raises(DomainError) as caught:
        services.copy_upload(check=check, actor=personas.hr_admin,
                             uploaded_file=SimpleUploadedFile("dbs.pdf", b"plain text"))
    assert caught.value.field == "file"
    identity = services.check_save(person=check.person, actor=personas.hr_admin,
                                   check_type="identity", status="pending")
    with pytest.raises(DomainError):
        services.copy_upload(check=identity, actor=personas.hr_admin,
                             uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))
    big = SimpleUploadedFile("dbs.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))
    with pytest.raises(DomainError, match="smaller than 10 MB"):
        services.copy_upload(check=check, actor=personas.hr_admin, uploaded_file=big)
    assert not CertificateCopy.objects.exists()
    assert not list((uploads_dir / "certificates").glob("*"))


def test_copy_file_is_removed_when_the_transaction_fails(personas: Personas,
                                                         uploads_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    check = dbs_check(personas)

    def broken_audit(**kwargs: Any) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        services.copy_upload(check=check, actor=personas.hr_admin,
                             uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))
    assert list((uploads_dir / "certificates").glob("*")) == []
    assert not CertificateCopy.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_copy_delete_removes_the_file_after_commit(uploads_dir: Path) -> None:
    from tests.personas import build_personas

    personas = build_personas()
    check = dbs_check(personas)
    copy = services.copy_upload(check=check, actor=personas.hr_admin,
                                uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))
    path = services.copy_path(copy)
    with pytest.raises(DomainError) as caught:
        services.copy_delete(copy=copy, actor=personas.hr_admin, reason="")
    assert caught.value.field == "reason"
    with pytest.raises(RuntimeError), transaction.atomic():
        services.copy_delete(copy=copy, actor=personas.hr_admin, reason="Wrong person")
        raise RuntimeError("rolled back")
    assert path.exists()  # a rolled-back deletion leaves the file
    services.copy_delete(copy=copy, actor=personas.hr_admin, reason="Wrong person")
    assert not path.exists()
    copy.refresh_from_db()
    assert copy.deleted_at is not None
    assert Check.objects.filter(pk=check.pk).exists()
    (event,) = events("people.certificate_copy.deleted")
    assert open_event(event).changes["reason"] == "Wrong person"  # sealed: about a person
    with pytest.raises(DomainError):
        services.copy_delete(copy=copy, actor=personas.hr_admin, reason="Again")


def test_copies_delete_due_across_schools(personas: Personas, django_capture_on_commit_callbacks:
                                          Any) -> None:
    here = services.copy_upload(check=dbs_check(personas), actor=personas.hr_admin,
                                uploaded_file=SimpleUploadedFile("a.pdf", PDF_BYTES))
    person = services.person_create(school=personas.other_school, actor=personas.outsider,
                                    full_name="Dan", kind="support")
    check = services.check_save(person=person, actor=personas.outsider,
                                check_type="enhanced_dbs", status="pending")
    there = services.copy_upload(check=check, actor=personas.outsider,
                                 uploaded_file=SimpleUploadedFile("b.pdf", PDF_BYTES))
    later = services.copy_upload(check=dbs_check(personas), actor=personas.hr_admin,
                                 uploaded_file=SimpleUploadedFile("c.pdf", PDF_BYTES))
    CertificateCopy.objects.filter(pk=later.pk).update(
        delete_after=timezone.now() + timedelta(days=400))
    now = timezone.now() + timedelta(days=190)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.copies_delete_due(now=now) == 2
    assert not services.copy_path(here).exists()
    assert not services.copy_path(there).exists()
    assert services.copy_path(later).exists()
    deleted = events("people.certificate_copy.deleted_automatically")
    assert {e.school_id for e in deleted} == {personas.school.pk, personas.other_school.pk}
    assert {e.actor_label for e in deleted} == {"system"}
    assert all(e.actor_id is None for e in deleted)
    assert services.copies_delete_due(now=now) == 0


def test_empty_date_of_birth_is_not_reported_as_changed(personas: Personas) -> None:
    make_person(personas)
    (event,) = events("people.person.created")
    assert "date_of_birth" not in event.changes


def test_dates_given_as_text_are_read_or_refused(personas: Personas) -> None:
    person = make_person(personas, start_date="2024-09-02")
    assert person.start_date == date(2024, 9, 2)
    with pytest.raises(DomainError) as caught:
        make_person(personas, full_name="B", date_of_birth="31/02/1990")
    assert caught.value.field == "date_of_birth"
    with pytest.raises(DomainError) as caught:
        services.check_save(person=person, actor=personas.hr_admin, check_type="identity",
                            status="done", done_on="not a date")
    assert caught.value.field == "done_on"
