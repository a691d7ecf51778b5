"""The progress services: pauses, extensions, the response, the acknowledgement of a
complaint and a withdrawal. Each rule refuses naming its field and saves nothing; each write
moves the deadline through the clocks and is audited with the reference as its only label
and the reasons only as "changed".

Today is pinned to Monday 16 March 2026 (UK). Dates of 2026: Good Friday 3 April, Easter
Monday 6 April, the early May bank holiday 4 May."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.models import Extension, Hold, Kind, Outcome, Request, Status
from schoolkeep.inforequests.progress.services import (
    complaint_acknowledge,
    extension_add,
    extension_told,
    hold_answer,
    hold_ask,
    request_respond,
    request_withdraw,
)
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)
RECEIVED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 2 March 2026


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _request(personas: Personas, kind: str = Kind.SUBJECT_ACCESS,
             received_at: datetime = RECEIVED, **fields: Any) -> Request:
    return make_request(personas, kind=kind, received_at=received_at, **fields)


def _fresh(request: Request) -> Request:
    return Request.objects.get(pk=request.pk)


def _refused(field: str, call: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.field == field, caught.value.message
    return caught.value


def _events(request: Request, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_id=str(request.public_id), action=action))


def _ask(personas: Personas, request: Request, **kwargs: Any) -> Hold:
    arguments = {"reason": Hold.Reason.IDENTITY, "asked_on": date(2026, 3, 3),
                 "note": "A copy of photo ID: the e-mail address is not one we know.",
                 **kwargs}
    return hold_ask(school=personas.school, actor=personas.dpo, request=request, **arguments)


# ---------------------------------------------------------------------------- pauses


def test_proof_of_identity_restarts_the_month_when_it_arrives(personas: Personas) -> None:
    request = _request(personas)
    assert _fresh(request).due_on == date(2026, 4, 2)
    hold = _ask(personas, request)
    waiting = _fresh(request)
    # While waiting, the deadline is the one that would apply if the answer came today.
    assert waiting.waiting_since == date(2026, 3, 3)
    assert waiting.due_on == date(2026, 4, 16)
    hold_answer(school=personas.school, actor=personas.dpo, request=waiting, hold=hold,
                answered_on=date(2026, 3, 10))
    answered = _fresh(request)
    assert answered.waiting_since is None
    assert (answered.clock_starts_on, answered.due_on) == (date(2026, 3, 10),
                                                           date(2026, 4, 10))
    assert Hold.objects.get(pk=hold.pk).answered_on == date(2026, 3, 10)
    [event] = _events(request, "requests.hold.answered")
    assert event.changes["due_on"] == {"before": "2026-04-16", "after": "2026-04-10"}


def test_a_clarification_leaves_out_the_days_from_asking_to_the_answer(
        personas: Personas) -> None:
    request = _request(personas)
    hold = _ask(personas, request, reason=Hold.Reason.CLARIFICATION,
                asked_on=date(2026, 3, 5))
    hold_answer(school=personas.school, actor=personas.dpo, request=_fresh(request),
                hold=hold, answered_on=date(2026, 3, 9))
    # 5 to 9 March, both included: 5 days. 2 April + 5 = Tuesday 7 April (after Easter).
    stored = _fresh(request)
    assert stored.due_on == date(2026, 4, 7)
    assert stored.extension_tell_by == date(2026, 4, 7)


def test_the_pause_is_audited_with_the_reference_and_the_note_only_as_changed(
        personas: Personas) -> None:
    request = _request(personas)
    _ask(personas, request, note="Asked Pat Parent for a passport")
    [event] = _events(request, "requests.hold.asked")
    assert event.target_label == request.reference
    assert event.changes["note"] == {"before": "changed", "after": "changed"}
    assert event.changes["reason"] == "Proof of identity"
    assert event.changes["due_on"] == {"before": "2026-04-02", "after": "2026-04-16"}
    assert "Pat" not in str(event.changes) and "passport" not in str(event.changes)
    assert Hold.objects.get(request=request).note == "Asked Pat Parent for a passport"


def test_a_pause_needs_a_note(personas: Personas) -> None:
    request = _request(personas)
    _refused("note", _ask, personas=personas, request=request, note="  ")
    assert not Hold.objects.filter(request=request).exists()
    assert not _events(request, "requests.hold.asked")


@pytest.mark.parametrize(("kind", "reason"), [
    (Kind.FOI, Hold.Reason.IDENTITY), (Kind.FOI, Hold.Reason.FEE),
    (Kind.EIR, Hold.Reason.AUTHORITY), (Kind.SUBJECT_ACCESS, Hold.Reason.FEES_NOTICE),
    (Kind.COMPLAINT, Hold.Reason.CLARIFICATION),
    (Kind.EDUCATIONAL_RECORD, Hold.Reason.FEE),
])
def test_only_the_pauses_the_law_allows_for_the_kind(personas: Personas, kind: str,
                                                      reason: str) -> None:
    request = _request(personas, kind=kind)
    _refused("reason", _ask, personas=personas, request=request, reason=reason)
    assert _fresh(request).due_on == request.due_on


def test_foi_a_fees_notice_pauses_and_a_clarification_is_allowed(personas: Personas) -> None:
    # Received Monday 2 March: the 20th school day is Tuesday 14 April (17 March is a bank
    # holiday in Northern Ireland; no school day from 28 March to 12 April).
    request = _request(personas, kind=Kind.FOI)
    assert _fresh(request).due_on == date(2026, 4, 14)
    hold = _ask(personas, request, reason=Hold.Reason.FEES_NOTICE, asked_on=date(2026, 3, 4))
    assert _fresh(request).waiting_since == date(2026, 3, 4)
    hold_answer(school=personas.school, actor=personas.dpo, request=_fresh(request),
                hold=hold, answered_on=date(2026, 3, 6))
    # 4, 5 and 6 March do not count: three school days more, to Friday 17 April.
    assert _fresh(request).due_on == date(2026, 4, 17)
    _ask(personas, request, reason=Hold.Reason.CLARIFICATION, asked_on=date(2026, 3, 9))
    assert _fresh(request).waiting_since == date(2026, 3, 9)


def test_one_open_pause_of_each_reason_at_a_time(personas: Personas) -> None:
    request = _request(personas)
    _ask(personas, request)
    _refused("reason", _ask, personas=personas, request=request, asked_on=date(2026, 3, 4))
    _ask(personas, request, reason=Hold.Reason.CLARIFICATION)  # another reason: fine
    assert Hold.objects.filter(request=request).count() == 2


def test_a_pause_is_asked_between_the_request_and_today(personas: Personas) -> None:
    request = _request(personas)
    _refused("asked_on", _ask, personas=personas, request=request, asked_on="3 March")
    _refused("asked_on", _ask, personas=personas, request=request, asked_on=NOW)
    _refused("asked_on", _ask, personas=personas, request=request, asked_on=date(2026, 3, 17))
    _refused("asked_on", _ask, personas=personas, request=request, asked_on=date(2026, 3, 1))


def test_the_answer_comes_after_the_asking_not_in_the_future_and_once(
        personas: Personas) -> None:
    request = _request(personas)
    hold = _ask(personas, request, asked_on=date(2026, 3, 5))
    answer = {"school": personas.school, "actor": personas.dpo, "request": request,
              "hold": hold}
    _refused("answered_on", hold_answer, **answer, answered_on=date(2026, 3, 4))
    _refused("answered_on", hold_answer, **answer, answered_on=date(2026, 3, 17))
    hold_answer(**answer, answered_on=date(2026, 3, 16))
    _refused("answered_on", hold_answer, **answer, answered_on=date(2026, 3, 16))


def test_a_pause_of_another_request_is_refused(personas: Personas) -> None:
    request, other = _request(personas), _request(personas)
    hold = _ask(personas, other)
    _refused("hold", hold_answer, school=personas.school, actor=personas.dpo,
             request=request, hold=hold, answered_on=date(2026, 3, 10))


@pytest.mark.parametrize("persona", ["auditor", "staff", "governor", "outsider"])
def test_only_handlers_pause_the_clock(personas: Personas, persona: str) -> None:
    request = _request(personas)
    with pytest.raises(NotAllowed):
        hold_ask(school=personas.school, actor=getattr(personas, persona), request=request,
                 reason=Hold.Reason.IDENTITY, asked_on=date(2026, 3, 3), note="ID")
    assert not Hold.objects.filter(request=request).exists()


def test_another_schools_request_is_refused(personas: Personas) -> None:
    request = _request(personas)
    with pytest.raises(NotAllowed):
        hold_ask(school=personas.other_school, actor=personas.outsider, request=request,
                 reason=Hold.Reason.IDENTITY, asked_on=date(2026, 3, 3), note="ID")


def test_a_handler_the_request_is_hidden_from_is_refused(personas: Personas) -> None:
    request = _request(personas)
    request.hidden_from.add(personas.siro)
    with pytest.raises(NotAllowed):
        hold_ask(school=personas.school, actor=personas.siro, request=request,
                 reason=Hold.Reason.IDENTITY, asked_on=date(2026, 3, 3), note="ID")
    _ask(personas, request)  # the DPO still may


def test_a_stale_version_is_refused(personas: Personas) -> None:
    request = _request(personas)
    opened = request.version
    _ask(personas, request, version=opened)
    assert _fresh(request).version == opened + 1
    with pytest.raises(StaleVersion):
        _ask(personas, request, reason=Hold.Reason.CLARIFICATION, version=opened)


# ---------------------------------------------------------------------------- extensions


def _extend(personas: Personas, request: Request, **kwargs: Any) -> Extension:
    arguments = {"amount": 2, "reason": "Twelve years of records across five systems.",
                 "decided_on": date(2026, 3, 10), **kwargs}
    return extension_add(school=personas.school, actor=personas.dpo, request=request,
                         **arguments)


def test_the_rights_are_extended_by_up_to_two_months(personas: Personas) -> None:
    request = _request(personas)
    _extend(personas, request, told_on=date(2026, 3, 11))
    stored = _fresh(request)
    assert stored.due_on == date(2026, 6, 2)  # 2 March + 3 months, a Tuesday
    [event] = _events(request, "requests.extension.added")
    assert event.changes["amount"] == "2 months"
    assert event.changes["reason"] == {"before": "changed", "after": "changed"}
    assert event.changes["due_on"] == {"before": "2026-04-02", "after": "2026-06-02"}
    assert "Twelve" not in str(event.changes)


def test_the_rights_never_more_than_two_months_in_all(personas: Personas) -> None:
    request = _request(personas)
    _extend(personas, request, amount=1)
    error = _refused("amount", _extend, personas=personas, request=request, amount=2)
    assert error.message == ("The deadline may be extended by 2 months in all: 1 more month "
                             "can be added.")
    _extend(personas, request, amount=1)
    assert _fresh(request).due_on == date(2026, 6, 2)
    _refused("amount", _extend, personas=personas, request=request, amount=1)


def test_the_rights_are_extended_only_within_the_first_month(personas: Personas) -> None:
    # Received 2 February: the first month ended on Monday 2 March.
    request = _request(personas, received_at=datetime(2026, 2, 2, 10, tzinfo=UTC))
    assert _fresh(request).extension_tell_by == date(2026, 3, 2)
    _refused("decided_on", _extend, personas=personas, request=request,
             decided_on=date(2026, 3, 3))
    _refused("told_on", _extend, personas=personas, request=request,
             decided_on=date(2026, 3, 2), told_on=date(2026, 3, 3))
    _refused("told_on", _extend, personas=personas, request=request,
             decided_on=date(2026, 3, 2), told_on=date(2026, 3, 1))
    assert not Extension.objects.filter(request=request).exists()


def test_an_extension_needs_its_reason(personas: Personas) -> None:
    request = _request(personas)
    _refused("reason", _extend, personas=personas, request=request, reason="")


def test_foi_up_to_twenty_working_days_in_all(personas: Personas) -> None:
    request = _request(personas, kind=Kind.FOI)
    assert _fresh(request).due_on == date(2026, 4, 14)
    _refused("amount", _extend, personas=personas, request=request, amount=21)
    _extend(personas, request, amount=10)
    # Ten working days after Tuesday 14 April: Tuesday 28 April.
    assert _fresh(request).due_on == date(2026, 4, 28)
    _refused("amount", _extend, personas=personas, request=request, amount=11)
    _extend(personas, request, amount=10)
    # Ten more, leaving out the early May bank holiday (4 May): Wednesday 13 May.
    assert _fresh(request).due_on == date(2026, 5, 13)


def test_eir_once_by_twenty_working_days(personas: Personas) -> None:
    request = _request(personas, kind=Kind.EIR)
    assert _fresh(request).due_on == date(2026, 3, 31)  # 20 UK working days
    _refused("amount", _extend, personas=personas, request=request, amount=10)
    _extend(personas, request, amount=20)
    assert _fresh(request).due_on == date(2026, 4, 30)  # 20 more, Easter left out
    _refused("amount", _extend, personas=personas, request=request, amount=20)
    assert Extension.objects.filter(request=request).count() == 1


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.EXAM_MARKS, Kind.EDUCATIONAL_RECORD])
def test_no_extension_for_the_other_kinds(personas: Personas, kind: str) -> None:
    request = _request(personas, kind=kind)
    _refused("amount", _extend, personas=personas, request=request, amount=1)


def test_telling_the_requester_of_an_extension(personas: Personas) -> None:
    request = _request(personas)
    extension = _extend(personas, request, amount=1)
    told = {"school": personas.school, "actor": personas.dpo, "request": request,
            "extension": extension}
    _refused("told_on", extension_told, **told, told_on=date(2026, 3, 9))  # before deciding
    extension_told(**told, told_on=date(2026, 3, 12))
    assert Extension.objects.get(pk=extension.pk).told_on == date(2026, 3, 12)
    assert len(_events(request, "requests.extension.told")) == 1
    _refused("told_on", extension_told, **told, told_on=date(2026, 3, 13))  # told already


# ---------------------------------------------------------------------------- the response


def _respond(personas: Personas, request: Request, **kwargs: Any) -> Request:
    arguments = {"responded_on": date(2026, 3, 13), "outcome": Outcome.FULL,
                 "response_channel": "email", **kwargs}
    return request_respond(school=personas.school, actor=personas.dpo, request=request,
                           **arguments)


def test_a_response_in_time_stops_the_clock(personas: Personas) -> None:
    request = _request(personas)
    _respond(personas, request, late_reason="Not late at all")
    stored = _fresh(request)
    assert (stored.status, stored.outcome, stored.responded_on) == (
        Status.ANSWERED, Outcome.FULL, date(2026, 3, 13))
    assert stored.late_reason == ""  # in time: no reason for a delay is kept
    [event] = _events(request, "requests.request.answered")
    assert event.changes["late"] is False
    assert event.changes["outcome"] == {"before": "", "after": "full"}
    # Answered: nothing more may be recorded.
    with pytest.raises(DomainError):
        _ask(personas, request)


def test_a_refusal_needs_its_reason(personas: Personas) -> None:
    request = _request(personas)
    _refused("outcome_reason", _respond, personas=personas, request=request,
             outcome=Outcome.REFUSED_EXCESSIVE)
    _respond(personas, request, outcome=Outcome.REFUSED_EXCESSIVE,
             outcome_reason="The fourth identical request this term.")
    [event] = _events(request, "requests.request.answered")
    assert event.changes["outcome_reason"] == {"before": "changed", "after": "changed"}
    assert "fourth" not in str(event.changes)


def test_an_answer_after_the_deadline_needs_the_reason_for_the_delay(
        personas: Personas) -> None:
    request = _request(personas, received_at=datetime(2026, 2, 2, 10, tzinfo=UTC))
    assert _fresh(request).due_on == date(2026, 3, 2)
    _refused("late_reason", _respond, personas=personas, request=request)
    _respond(personas, request, late_reason="The DPO was off sick for two weeks.")
    stored = _fresh(request)
    assert stored.late_reason == "The DPO was off sick for two weeks."
    assert _events(request, "requests.request.answered")[0].changes["late"] is True


@pytest.mark.parametrize(("kind", "outcome"), [
    (Kind.SUBJECT_ACCESS, Outcome.UPHELD), (Kind.COMPLAINT, Outcome.FULL),
    (Kind.FOI, Outcome.REFUSED_UNFOUNDED), (Kind.SUBJECT_ACCESS, Outcome.REFUSED_COST),
    (Kind.SUBJECT_ACCESS, "nonsense"),
])
def test_the_outcome_fits_the_kind(personas: Personas, kind: str, outcome: str) -> None:
    request = _request(personas, kind=kind)
    _refused("outcome", _respond, personas=personas, request=request, outcome=outcome,
             outcome_reason="Reason")
    assert _fresh(request).status == Status.OPEN


def test_the_response_channel_is_one_of_the_ways_to_send(personas: Personas) -> None:
    request = _request(personas)
    _refused("response_channel", _respond, personas=personas, request=request,
             response_channel="public_page")


@pytest.mark.parametrize("kind", [Kind.ERASURE, Kind.RECTIFICATION])
def test_erasure_and_rectification_need_the_recipients_told(personas: Personas,
                                                            kind: str) -> None:
    request = _request(personas, kind=kind)
    _refused("recipients_told", _respond, personas=personas, request=request)
    _refused("recipients_told_on", _respond, personas=personas, request=request,
             recipients_told="The local authority's admissions team")
    _respond(personas, request, recipients_told="No one: the data was not shared",
             recipients_told_on=date(2026, 3, 13))
    stored = _fresh(request)
    assert stored.recipients_told == "No one: the data was not shared"
    assert stored.recipients_told_on == date(2026, 3, 13)


def test_a_refused_erasure_tells_no_recipients(personas: Personas) -> None:
    request = _request(personas, kind=Kind.ERASURE)
    _respond(personas, request, outcome=Outcome.REFUSED_EXEMPT,
             outcome_reason="Kept for safeguarding", recipients_told="Ignored")
    assert _fresh(request).recipients_told == ""


def test_a_complaint_is_acknowledged_once_then_has_no_deadline(personas: Personas) -> None:
    request = _request(personas, kind=Kind.COMPLAINT,
                       received_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    assert _fresh(request).due_on == date(2026, 2, 3)  # 30 days beginning with 5 January
    acknowledge = {"school": personas.school, "actor": personas.dpo, "request": request}
    complaint_acknowledge(**acknowledge, acknowledged_on=date(2026, 1, 20))
    assert _fresh(request).acknowledged_on == date(2026, 1, 20)
    _refused("acknowledged_on", complaint_acknowledge, **acknowledge,
             acknowledged_on=date(2026, 1, 21))
    # Settled long after the 30 days: acknowledged in time, so not late.
    _respond(personas, _fresh(request), outcome=Outcome.PARTLY_UPHELD)
    stored = _fresh(request)
    assert (stored.status, stored.late_reason) == (Status.ANSWERED, "")
    [event] = _events(request, "requests.complaint.acknowledged")
    assert event.changes["late"] is False


def test_a_complaint_answered_unacknowledged_is_acknowledged_by_the_answer(
        personas: Personas) -> None:
    request = _request(personas, kind=Kind.COMPLAINT)
    _respond(personas, request, outcome=Outcome.NOT_UPHELD)
    assert _fresh(request).acknowledged_on == date(2026, 3, 13)


def test_only_a_complaint_is_acknowledged(personas: Personas) -> None:
    request = _request(personas)
    _refused("acknowledged_on", complaint_acknowledge, school=personas.school,
             actor=personas.dpo, request=request, acknowledged_on=date(2026, 3, 3))


def test_a_withdrawal_needs_its_reason_and_stops_the_clock(personas: Personas) -> None:
    request = _request(personas)
    withdraw = {"school": personas.school, "actor": personas.dpo, "request": request,
                "withdrawn_on": date(2026, 3, 12)}
    _refused("reason", request_withdraw, **withdraw, reason=" ")
    _refused("withdrawn_on", request_withdraw, **{**withdraw, "withdrawn_on": date(2026, 4, 1)},
             reason="Changed their mind")
    request_withdraw(**withdraw, reason="Pat wrote to say the copy is no longer needed.")
    stored = _fresh(request)
    assert (stored.status, stored.withdrawn_on) == (Status.WITHDRAWN, date(2026, 3, 12))
    assert stored.outcome_reason == "Pat wrote to say the copy is no longer needed."
    [event] = _events(request, "requests.request.withdrawn")
    assert event.changes["outcome_reason"] == {"before": "changed", "after": "changed"}
    assert "Pat" not in str(event.changes)
    with pytest.raises(DomainError):
        _respond(personas, stored)
