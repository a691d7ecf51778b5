"""The record's services: correcting what was logged (the version check, the deadline moving
with the kind and the moment of receipt, the rules naming their field, nothing written on a
refusal), the identity check (never a copy) and hiding a request; the audit trail shows what
names or describes a person only as "changed", and the reference as the only label."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import CHANGED
from schoolkeep.inforequests.clocks.deadline import work_out
from schoolkeep.inforequests.handling.services import (
    request_hide,
    request_identity_record,
    request_update,
)
from schoolkeep.inforequests.models import Hold, IdentityMethod, Kind, Request, SubjectType
from schoolkeep.inforequests.progress.services import extension_add, hold_ask
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion

# A Monday in term-free December: the month of a subject access request is plain.
RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _events(request_obj: Request, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(request_obj.public_id)))


def _update(personas: Personas, request_obj: Request, **fields):
    return request_update(school=personas.school, actor=personas.dpo, request=request_obj,
                          version=request_obj.version, **fields)


def test_a_correction_is_saved_and_audited_with_names_only_as_changed(
        personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    updated = _update(personas, request_obj, requester_name="Pat Parent-Jones",
                      description="Only the reports of Year 5", channel="letter")
    fresh = Request.objects.get(pk=request_obj.pk)
    assert (fresh.requester_name, fresh.description, fresh.channel, fresh.version) == (
        "Pat Parent-Jones", "Only the reports of Year 5", "letter", updated.version)
    assert fresh.version == request_obj.version + 1
    [event] = _events(request_obj, "requests.request.changed")
    assert event.target_label == request_obj.reference
    assert event.changes == {
        "channel": {"before": "email", "after": "letter"},
        "description": {"before": CHANGED, "after": CHANGED},
        "requester_name": {"before": CHANGED, "after": CHANGED}}
    text = json.dumps(event.changes) + event.target_label
    for secret in ("Pat", "Year 5", "Sam"):
        assert secret not in text


def test_nothing_changed_writes_nothing(personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    same = _update(personas, request_obj, requester_name=request_obj.requester_name)
    assert same.version == request_obj.version
    assert not _events(request_obj, "requests.request.changed")


def test_a_stale_version_is_refused_and_names_who_changed_it(personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    opened = request_obj.version
    request_update(school=personas.school, actor=personas.siro, request=request_obj,
                   version=opened, requester_contact="pat@new.example")
    with pytest.raises(StaleVersion) as refused:
        request_update(school=personas.school, actor=personas.dpo, request=request_obj,
                       version=opened, requester_contact="pat@other.example")
    assert refused.value.field == "version"
    assert "Senior Information Risk Owner (SIRO) Person" in refused.value.message
    assert Request.objects.get(pk=request_obj.pk).requester_contact == "pat@new.example"


def test_changing_the_moment_of_receipt_moves_the_deadline(personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    assert request_obj.due_on.isoformat() == "2026-12-02"
    moved = _update(personas, request_obj, received_at=RECEIVED + timedelta(days=3))
    assert (moved.received_on.isoformat(), moved.due_on.isoformat()) == (
        "2026-11-05", "2026-12-07")  # 5 December is a Saturday: the next working day
    assert Request.objects.get(pk=request_obj.pk).due_on == work_out(moved).due_on
    [event] = _events(request_obj, "requests.request.changed")
    assert event.changes["due_on"] == {"before": "2026-12-02", "after": "2026-12-07"}
    assert event.changes["received_on"] == {"before": "2026-11-02", "after": "2026-11-05"}


def test_a_change_to_foi_drops_the_person_and_the_child(personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    _update(personas, request_obj, whose_right="parent_for_child", child_competent=False)
    request_obj.refresh_from_db()
    moved = _update(personas, request_obj, kind=Kind.FOI, requester_type="public")
    fresh = Request.objects.get(pk=moved.pk)
    assert (fresh.subject_type, fresh.subject_name, fresh.whose_right, fresh.child_competent) \
        == ("", "", "", None)
    assert fresh.due_on == work_out(fresh).due_on
    assert fresh.due_on != request_obj.due_on


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "gossip"}, "kind"),
    ({"channel": "pigeon"}, "channel"),
    ({"requester_name": "  "}, "requester_name"),
    ({"description": ""}, "description"),
    ({"description": "x" * 10_001}, "description"),
    ({"subject_type": ""}, "subject_type"),
    ({"subject_name": "", "requester_type": "parent"}, "subject_name"),
    ({"received_at": datetime(2026, 11, 11, 9, 0, tzinfo=UTC)}, "received_at"),
    ({"received_at": datetime(2026, 11, 2, 9, 0)}, "received_at"),
    ({"whose_right": "parent_own"}, "whose_right"),
    ({"child_competent": "maybe"}, "child_competent"),
    ({"kind": Kind.EXAM_MARKS, "results_announced_on": datetime(2026, 10, 1).date()},
     "results_announced_on"),
    ({"version": 3, "reference": "RQ-1"}, "reference"),
])
def test_each_rule_names_its_field_and_writes_nothing(personas: Personas, fields: dict,
                                                      field: str) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    fields = {k: v for k, v in fields.items() if k != "version"}
    with pytest.raises(DomainError) as refused:
        _update(personas, request_obj, **fields)
    assert refused.value.field == field
    fresh = Request.objects.get(pk=request_obj.pk)
    assert (fresh.version, fresh.kind, fresh.description) == (
        request_obj.version, request_obj.kind, request_obj.description)
    assert not _events(request_obj, "requests.request.changed")


def test_someone_asking_about_themselves_is_the_subject(personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    updated = _update(personas, request_obj, requester_type="subject", subject_name="",
                      subject_type=SubjectType.STAFF)
    assert updated.subject_name == "Pat Parent"


def test_the_kind_stays_when_an_extension_or_an_unfitting_pause_was_recorded(
        personas: Personas) -> None:
    extended = make_request(personas, received_at=RECEIVED)
    extension_add(school=personas.school, actor=personas.dpo, request=extended, amount=1,
                  reason="Many records", decided_on=NOW.date())
    extended.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        _update(personas, extended, kind=Kind.ERASURE)
    assert refused.value.field == "kind"
    paused = make_request(personas, received_at=RECEIVED)
    hold_ask(school=personas.school, actor=personas.dpo, request=paused,
             reason=Hold.Reason.IDENTITY, asked_on=NOW.date(), note="Passport please")
    paused.refresh_from_db()
    with pytest.raises(DomainError, match="does not allow"):
        _update(personas, paused, kind=Kind.FOI)
    # Between two rights the pause for identity still fits.
    assert _update(personas, paused, kind=Kind.ERASURE).kind == Kind.ERASURE


def test_only_handlers_it_is_not_hidden_from_may_correct(personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    for user in (personas.auditor, personas.staff, personas.outsider):
        with pytest.raises(NotAllowed):
            request_update(school=personas.school, actor=user, request=request_obj,
                           version=request_obj.version, channel="letter")
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[personas.siro])
    request_obj.refresh_from_db()
    with pytest.raises(NotAllowed):
        request_update(school=personas.school, actor=personas.siro, request=request_obj,
                       version=request_obj.version, channel="letter")
    theirs = make_request(personas, user=personas.outsider, school=personas.other_school)
    with pytest.raises(NotAllowed):
        request_update(school=personas.school, actor=personas.dpo, request=theirs,
                       version=theirs.version, channel="letter")


def test_the_identity_check_records_the_document_type_who_and_when(
        personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    day = NOW.date() - timedelta(days=1)
    checked = request_identity_record(school=personas.school, actor=personas.dpo,
                                      request=request_obj, method=IdentityMethod.PASSPORT,
                                      checked_on=day)
    assert (checked.identity_method, checked.identity_checked_on,
            checked.identity_checked_by) == ("passport", day, personas.dpo)
    [event] = _events(request_obj, "requests.request.identity_recorded")
    assert event.changes["identity_method"] == {"before": "", "after": "passport"}
    for when, field in ((NOW.date() + timedelta(days=1), "checked_on"),
                        (RECEIVED.date() - timedelta(days=1), "checked_on")):
        with pytest.raises(DomainError) as refused:
            request_identity_record(school=personas.school, actor=personas.dpo,
                                    request=request_obj, method="passport", checked_on=when)
        assert refused.value.field == field
    with pytest.raises(DomainError) as refused:
        request_identity_record(school=personas.school, actor=personas.dpo,
                                request=request_obj, method="a photocopy", checked_on=day)
    assert refused.value.field == "method"


def test_hiding_never_from_oneself_only_members_and_audited_as_a_count(
        personas: Personas) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    with pytest.raises(DomainError) as refused:
        request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                     hidden_from=[personas.dpo, personas.siro])
    assert refused.value.field == "hidden_from"
    with pytest.raises(DomainError) as refused:
        request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                     hidden_from=[personas.outsider])
    assert refused.value.field == "hidden_from"
    assert not request_obj.hidden_from.exists()
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[personas.siro, personas.staff])
    assert set(request_obj.hidden_from.all()) == {personas.siro, personas.staff}
    [event] = _events(request_obj, "requests.request.hidden_changed")
    assert event.changes == {"hidden_from": {"before": CHANGED, "after": CHANGED},
                             "hidden_from_count": {"before": 0, "after": 2}}
    assert "Person" not in json.dumps(event.changes)
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[])
    assert not request_obj.hidden_from.exists()
    assert timezone.now() == NOW


def test_someone_hidden_who_left_stays_hidden(personas: Personas) -> None:
    from schoolkeep.tenancy.models import Membership

    request_obj = make_request(personas, received_at=RECEIVED)
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[personas.staff])
    Membership.objects.filter(user=personas.staff, school=personas.school).update(
        is_active=False)
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[personas.staff, personas.siro])
    assert set(request_obj.hidden_from.all()) == {personas.staff, personas.siro}


@pytest.mark.parametrize(("received_at", "words"), [
    (datetime(1, 1, 1, tzinfo=UTC), "25 May 2018"),
    (datetime(2018, 5, 24, 12, tzinfo=UTC), "25 May 2018"),
    (datetime(2025, 12, 31, 12, tzinfo=UTC), "log it again"),
])
def test_receipt_is_never_moved_before_2018_nor_into_another_year(
        personas: Personas, received_at: datetime, words: str) -> None:
    request_obj = make_request(personas, received_at=RECEIVED)
    with pytest.raises(DomainError) as refused:
        _update(personas, request_obj, received_at=received_at)
    assert refused.value.field == "received_at" and words in refused.value.message
    assert Request.objects.get(pk=request_obj.pk).received_at == RECEIVED


def test_results_day_is_within_two_years_of_the_request(personas: Personas) -> None:
    request_obj = make_request(personas, kind=Kind.EXAM_MARKS, received_at=RECEIVED)
    with pytest.raises(DomainError) as refused:
        _update(personas, request_obj, results_announced_on=RECEIVED.date().replace(year=2029))
    assert refused.value.field == "results_announced_on"


def test_a_correction_keeps_the_rules_of_the_kind(personas: Personas) -> None:
    """FOI is in writing: a freedom of information request cannot be corrected to one made
    by telephone, and nothing is saved."""
    request_obj = make_request(personas, kind=Kind.FOI, received_at=RECEIVED,
                               requester_type="public", subject_type="", subject_name="")
    with pytest.raises(DomainError) as refused:
        _update(personas, request_obj, channel="phone")
    assert refused.value.field == "channel"
    assert Request.objects.get(pk=request_obj.pk).channel == "email"
