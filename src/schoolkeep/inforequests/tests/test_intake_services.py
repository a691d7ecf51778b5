"""Logging a request (``request_log``): references "RQ-2026-0007" sequential per school and
Europe/London year of receipt, the day of receipt in UK time, the clock worked out at once,
each rule refused naming its field with nothing written, the audit without names, and the
e-mail to the DPO and SIRO after commit with the reference, kind and deadline only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.intake.services import (
    next_reference,
    receipt_code,
    receipt_hash,
    request_log,
)
from schoolkeep.inforequests.models import Channel, Kind, Request, RequesterType, SubjectType
from schoolkeep.lib.errors import DomainError, NotAllowed

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday in term


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_references_run_in_order_per_school_and_year(personas: Personas) -> None:
    first, second = make_request(personas), make_request(personas, kind=Kind.FOI)
    other = make_request(personas, personas.outsider, school=personas.other_school)
    assert (first.reference, second.reference) == ("RQ-2026-0001", "RQ-2026-0002")
    assert (first.reference_year, first.reference_number) == (2026, 1)
    assert other.reference == "RQ-2026-0001"  # another school counts on its own
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=UTC), tick=False):
        assert make_request(personas).reference == "RQ-2027-0001"


def test_the_year_and_the_day_are_those_of_london(personas: Personas) -> None:
    # 23:30 UTC on 31 October is still 31 October in London (GMT since 25 October)...
    late = make_request(personas, received_at=datetime(2026, 10, 31, 23, 30, tzinfo=UTC))
    assert late.received_on == date(2026, 10, 31)
    # ...but 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the clock counts from
    # 1 July.
    summer = make_request(personas, received_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert summer.received_on == date(2026, 7, 1)
    assert summer.received_at == datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), tick=False):
        new_year = make_request(personas, received_at=datetime(2026, 12, 31, 23, 30,
                                                               tzinfo=UTC))
        assert new_year.reference == "RQ-2026-0003"  # the year it was received in


def test_next_reference_counts_on_from_the_counter(personas: Personas) -> None:
    assert next_reference(personas.school, NOW) == (2026, 1, "RQ-2026-0001")
    assert next_reference(personas.school, NOW) == (2026, 2, "RQ-2026-0002")
    assert next_reference(personas.other_school, NOW)[2] == "RQ-2026-0001"


def test_the_clock_is_worked_out_when_the_request_is_logged(personas: Personas) -> None:
    # Subject access received on Monday 2 November 2026: one month, to 2 December.
    request = make_request(personas)
    request.refresh_from_db()
    assert request.clock_starts_on == date(2026, 11, 2)
    assert request.due_on == date(2026, 12, 2)
    assert request.status == "open" and request.version == 1


def test_the_record_is_kept_as_given_and_encrypted(personas: Personas) -> None:
    request = make_request(personas, requester_name="  Pat   Parent ",
                           authority_evidence="Signed consent seen")
    stored = Request.objects.get(pk=request.pk)
    assert (stored.kind, stored.channel, stored.requester_type) == (
        Kind.SUBJECT_ACCESS, Channel.EMAIL, RequesterType.PARENT)
    assert stored.requester_name == "Pat Parent"  # spaces tidied
    assert (stored.subject_type, stored.subject_name) == (SubjectType.PUPIL, "Sam Pupil")
    assert stored.logged_by == personas.staff and stored.receipt_hash == ""
    assert stored.authority_evidence == "Signed consent seen"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT requester_name, subject_name, description FROM "
                       f"{Request._meta.db_table} WHERE id = %s", [request.pk])
        row = cursor.fetchone()
    assert row and not any(secret in str(row) for secret in ("Pat", "Sam", "behaviour"))


def test_someone_asking_about_themselves_is_the_subject(personas: Personas) -> None:
    request = make_request(personas, requester_type=RequesterType.SUBJECT,
                           requester_name="Alex Former", subject_type=SubjectType.FORMER_STAFF,
                           subject_name="")
    assert request.subject_name == "Alex Former"


def test_freedom_of_information_keeps_no_subject(personas: Personas) -> None:
    request = make_request(personas, kind=Kind.FOI, requester_type=RequesterType.PUBLIC,
                           subject_type=SubjectType.STAFF, subject_name="Someone Named")
    assert (request.subject_type, request.subject_name) == ("", "")


def _refused(personas: Personas, field: str, **arguments: Any) -> str:
    with pytest.raises(DomainError) as caught:
        make_request(personas, **arguments)
    assert caught.value.field == field, caught.value.message
    assert not Request.objects.exists() and not AuditEvent.objects.filter(
        action="requests.request.logged").exists()
    return caught.value.message


@pytest.mark.parametrize(("field", "arguments", "words"), [
    ("kind", {"kind": "gossip"}, "Choose what kind of request"),
    ("channel", {"channel": "pigeon"}, "Choose how the request arrived"),
    ("requester_type", {"requester_type": ""}, "Choose who made the request"),
    ("requester_name", {"requester_name": "   "}, "Enter the name of the person who asked"),
    ("requester_name", {"requester_name": "x" * 201}, "200 characters or fewer"),
    ("requester_contact", {"requester_contact": "x" * 501}, "500 characters or fewer"),
    ("description", {"description": ""}, "Enter what they asked for"),
    ("description", {"description": "x" * 10_001}, "10,000 characters or fewer"),
    ("subject_type", {"subject_type": ""}, "Choose who the request is about"),
    ("subject_type", {"subject_type": "aliens"}, "Choose who the request is about"),
    ("subject_name", {"subject_name": ""}, "Enter the name of the person the request is"),
    ("received_at", {"received_at": NOW + timedelta(minutes=5)}, "cannot be in the future"),
    ("received_at", {"received_at": datetime(2026, 11, 2, 9)}, "with its time zone"),
])
def test_each_rule_is_refused_naming_its_field(personas: Personas, field: str,
                                               arguments: dict[str, Any], words: str) -> None:
    assert words in _refused(personas, field, **arguments)


def test_the_subject_is_required_for_every_kind_about_a_person(personas: Personas) -> None:
    for kind in (Kind.ERASURE, Kind.EXAM_MARKS, Kind.EDUCATIONAL_RECORD, Kind.COMPLAINT):
        _refused(personas, "subject_type", kind=kind, subject_type="")


def test_only_a_member_of_the_school_logs_a_request(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        make_request(personas, personas.outsider)
    with pytest.raises(NotAllowed):
        make_request(personas, personas.trust_admin)
    assert not Request.objects.exists()


def test_every_school_role_may_log_one(personas: Personas) -> None:
    for name in ("auditor", "governor", "staff", "dsl"):
        assert make_request(personas, getattr(personas, name)).logged_by == getattr(
            personas, name)


def test_the_public_page_logs_with_no_actor_and_a_receipt(personas: Personas) -> None:
    code = receipt_code()
    request = request_log(
        school=personas.school, actor=None, kind=Kind.FOI, channel=Channel.PUBLIC_PAGE,
        received_at=NOW, requester_type=RequesterType.PUBLIC, requester_name="A Journalist",
        requester_contact="news@example.com", description="Spending on agency staff.",
        receipt_hash=receipt_hash(code))
    assert request.logged_by is None
    assert len(code) == 14 and code.count("-") == 2 and request.reference not in code
    assert Request.objects.get().receipt_hash == receipt_hash(code.lower())


def test_the_audit_names_the_reference_and_never_a_person(personas: Personas) -> None:
    request = make_request(personas)
    event = AuditEvent.objects.get(action="requests.request.logged")
    assert event.target_label == request.reference == "RQ-2026-0001"
    assert event.actor_id == personas.staff.pk
    changes = event.changes
    assert changes["kind"] == Kind.SUBJECT_ACCESS and changes["reference"] == "RQ-2026-0001"
    assert changes["requester_name"] == changes["description"] == "recorded"
    assert changes["subject_name"] == changes["requester_contact"] == "recorded"
    for secret in ("Pat", "Sam", "behaviour", "pat@example.com"):
        assert secret not in str(changes)


def test_the_dpo_and_siro_are_emailed_after_commit_without_names(
        personas: Personas, django_capture_on_commit_callbacks, mailoutbox) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(personas)
        assert mailoutbox == []
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([personas.dpo.email, personas.siro.email])
    assert request.reference in mail.subject and request.reference in mail.body
    assert "Subject access request" in mail.body and "2 December 2026" in mail.body
    assert f"/requests/{request.public_id}/" in mail.body
    for secret in ("Pat", "Sam", "behaviour", "pat@example.com"):
        assert secret not in mail.body and secret not in mail.subject


def test_nothing_is_emailed_when_the_request_is_refused(
        personas: Personas, django_capture_on_commit_callbacks, mailoutbox) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        make_request(personas, description="")
    assert mailoutbox == []
