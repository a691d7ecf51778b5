"""The progress services against the reviews' cases, each on exact dates: the clock is
worked out again before lateness is judged; FOI and EIR extensions are told within the 20
working days; nothing is paused after the deadline; a complaint acknowledged late needs its
reason; answering or withdrawing closes the pauses still open; exam marks asked for after
results day extend as subject access; Article 19 covers restriction too.

Dates of 2026: Good Friday 3 April, Easter Monday 6 April, the early May bank holiday 4 May;
17 March is a bank holiday in Northern Ireland (not a working day for FOI). The school has no
term dates entered: the default pattern's spring term ends on 27 March and the summer term
starts on 13 April."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.clocks.deadline import clock_refresh
from schoolkeep.inforequests.models import Extension, Hold, Kind, Outcome, Request, Status
from schoolkeep.inforequests.progress.selectors import progress_context
from schoolkeep.inforequests.progress.services import (
    complaint_acknowledge,
    extension_add,
    extension_told,
    hold_ask,
    request_respond,
    request_withdraw,
)
from schoolkeep.lib.errors import DomainError

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


def _at(day: date) -> Any:
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                               tick=False)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with _at(date(2026, 3, 16)):
        yield


def _request(personas: Personas, kind: str = Kind.SUBJECT_ACCESS,
             received: date = date(2026, 3, 2)) -> Request:
    return make_request(personas, kind=kind,
                        received_at=datetime(received.year, received.month, received.day, 10,
                                             tzinfo=UTC))


def _fresh(request: Request) -> Request:
    return Request.objects.get(pk=request.pk)


def _refused(field: str, call: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.field == field, caught.value.message
    return caught.value


def _event(request: Request, action: str) -> AuditEvent:
    [event] = AuditEvent.objects.filter(target_id=str(request.public_id), action=action)
    return event


def _by(personas: Personas, request: Request) -> dict[str, Any]:
    return {"school": personas.school, "actor": personas.dpo, "request": request}


# ---------------------------------------------------------------------------- lateness


def test_an_untold_extension_that_lapsed_makes_the_response_late(personas: Personas) -> None:
    request = _request(personas)  # the month runs to Thursday 2 April
    with _at(date(2026, 3, 25)):
        extension_add(**_by(personas, request), amount=1, reason="Five systems to search",
                      decided_on=date(2026, 3, 20))
    assert _fresh(request).due_on == date(2026, 5, 5)  # 2 May a Saturday, 4 May a holiday
    # Never told; no daily tick has run since: the stored deadline still says 5 May.
    with _at(date(2026, 4, 10)):
        error = _refused("late_reason", request_respond, **_by(personas, _fresh(request)),
                         responded_on=date(2026, 4, 10), outcome=Outcome.FULL,
                         response_channel="email")
        assert "after the deadline (2 April 2026)" in error.message
        request_respond(**_by(personas, _fresh(request)), responded_on=date(2026, 4, 10),
                        outcome=Outcome.FULL, response_channel="email",
                        late_reason="The extension was never sent")
    stored = _fresh(request)
    assert (stored.due_on, stored.late_reason) == (date(2026, 4, 2),
                                                   "The extension was never sent")
    assert _event(request, "requests.request.answered").changes["late"] is True


def test_a_complaint_is_judged_on_its_deadline_worked_out_again(personas: Personas) -> None:
    complaint = _request(personas, kind=Kind.COMPLAINT, received=date(2026, 1, 5))
    # A stale stored deadline (as if worked out before a correction): 1 March.
    Request.objects.filter(pk=complaint.pk).update(due_on=date(2026, 3, 1))
    _refused("late_reason", complaint_acknowledge, **_by(personas, _fresh(complaint)),
             acknowledged_on=date(2026, 2, 10))
    assert _fresh(complaint).acknowledged_on is None


def test_a_complaint_acknowledged_after_its_30_days_needs_the_reason(
        personas: Personas) -> None:
    complaint = _request(personas, kind=Kind.COMPLAINT, received=date(2026, 1, 5))
    assert _fresh(complaint).due_on == date(2026, 2, 3)
    error = _refused("late_reason", complaint_acknowledge, **_by(personas, complaint),
                     acknowledged_on=date(2026, 2, 4))
    assert error.message == ("The complaint was acknowledged after its 30 days (3 February "
                             "2026): give the reason for the delay.")
    complaint_acknowledge(**_by(personas, complaint), acknowledged_on=date(2026, 2, 4),
                          late_reason="Sam Parent's letter went to the wrong school")
    stored = _fresh(complaint)
    assert stored.late_reason == "Sam Parent's letter went to the wrong school"
    event = _event(complaint, "requests.complaint.acknowledged")
    assert event.changes["late"] is True
    assert event.changes["late_reason"] == {"before": "changed", "after": "changed"}
    assert "Sam" not in str(event.changes)
    # Settled later: the reason for the late acknowledgement is kept.
    request_respond(**_by(personas, stored), responded_on=date(2026, 3, 13),
                    outcome=Outcome.NOT_UPHELD, response_channel="letter")
    assert _fresh(complaint).late_reason == "Sam Parent's letter went to the wrong school"


def test_the_acknowledgement_form_asks_why_it_was_late(personas: Personas,
                                                      login: Login) -> None:
    complaint = _request(personas, kind=Kind.COMPLAINT, received=date(2026, 1, 5))
    client = login(personas.dpo)
    url = reverse("requests:request-acknowledge", kwargs={"public_id": complaint.public_id})
    body = {"version": complaint.version, "acknowledged_on_0": "4",
            "acknowledged_on_1": "2", "acknowledged_on_2": "2026"}
    response = client.post(url, body)
    assert response.status_code == 200
    assert "after its 30 days" in response.context["form"].errors["late_reason"][0]
    response = client.post(url, {**body, "late_reason": "Lost in the post"})
    assert response.status_code == 302
    detail = client.get(reverse("requests:request-detail",
                                kwargs={"public_id": complaint.public_id})).content.decode()
    assert "after the 30 days: Lost in the post" in detail


# ---------------------------------------------------------------------------- FOI and EIR


def test_foi_extensions_are_decided_and_told_within_the_20_working_days(
        personas: Personas) -> None:
    request = _request(personas, kind=Kind.FOI)
    assert (_fresh(request).due_on, _fresh(request).extension_tell_by) == (
        date(2026, 4, 14), date(2026, 4, 14))
    with _at(date(2026, 4, 10)):
        untold = extension_add(**_by(personas, request), amount=10, decided_on=date(2026, 4, 9),
                               reason="The public interest test")
    assert _fresh(request).due_on == date(2026, 4, 28)
    with _at(date(2026, 4, 20)):
        error = _refused("told_on", extension_told, **_by(personas, _fresh(request)),
                         extension=untold, told_on=date(2026, 4, 15))
        assert error.message == ("The requester must be told within the 20 working days, by "
                                 "14 April 2026: told later, the extension does not count.")
        _refused("decided_on", extension_add, **_by(personas, _fresh(request)), amount=5,
                 decided_on=date(2026, 4, 15), reason="More time")
        _refused("told_on", extension_add, **_by(personas, _fresh(request)), amount=5,
                 decided_on=date(2026, 4, 13), told_on=date(2026, 4, 15), reason="More time")
        _refused("told_on", extension_add, **_by(personas, _fresh(request)), amount=5,
                 decided_on=date(2026, 4, 13), reason="More time")  # not told: too late
        assert Extension.objects.filter(request=request).count() == 1
        # The untold extension lapsed after 14 April: the deadline is 14 April again.
        request_respond(**_by(personas, _fresh(request)), responded_on=date(2026, 4, 20),
                        outcome=Outcome.FULL, response_channel="email",
                        late_reason="Waiting for the governors")
    assert _fresh(request).due_on == date(2026, 4, 14)


def test_an_eir_extension_told_after_the_20_working_days_is_refused(
        personas: Personas) -> None:
    request = _request(personas, kind=Kind.EIR)  # 20 working days: Tuesday 31 March
    with _at(date(2026, 4, 2)):
        _refused("told_on", extension_add, **_by(personas, request), amount=20,
                 decided_on=date(2026, 3, 30), told_on=date(2026, 4, 1),
                 reason="Complex and voluminous")
        extension_add(**_by(personas, request), amount=20, decided_on=date(2026, 3, 30),
                      told_on=date(2026, 3, 31), reason="Complex and voluminous")
    assert _fresh(request).due_on == date(2026, 4, 30)


# ---------------------------------------------------------------------------- pauses


def test_nothing_is_paused_after_the_deadline(personas: Personas) -> None:
    request = _request(personas, received=date(2026, 2, 2))  # due Monday 2 March
    error = _refused("asked_on", hold_ask, **_by(personas, request), reason="identity",
                     asked_on=date(2026, 3, 5), note="Photo ID")
    assert error.message == ("5 March 2026 is after the deadline (2 March 2026): asking the "
                             "requester now does not stop the clock. Record the response, "
                             "with the reason for the delay.")
    hold_ask(**_by(personas, request), reason="identity", asked_on=date(2026, 3, 2),
             note="Photo ID")  # on the deadline: still in time
    assert _fresh(request).waiting_since == date(2026, 3, 2)


def test_a_foi_clarification_only_within_the_20_working_days(personas: Personas) -> None:
    # Received 2 February: the 20th school day is Monday 2 March; ten more working days,
    # told at once, run to Monday 16 March.
    request = _request(personas, kind=Kind.FOI, received=date(2026, 2, 2))
    assert _fresh(request).due_on == date(2026, 3, 2)
    extension_add(**_by(personas, request), amount=10, decided_on=date(2026, 2, 20),
                  told_on=date(2026, 2, 20), reason="The public interest test")
    assert _fresh(request).due_on == date(2026, 3, 16)
    error = _refused("asked_on", hold_ask, **_by(personas, _fresh(request)),
                     reason="clarification", asked_on=date(2026, 3, 10), note="Which years?")
    assert "by 2 March 2026: asked on 10 March 2026" in error.message
    # A fees notice before the (extended) deadline still pauses it.
    hold_ask(**_by(personas, _fresh(request)), reason="fees_notice", asked_on=date(2026, 3, 10),
             note="Fee for 600 pages of copies")
    assert _fresh(request).waiting_since == date(2026, 3, 10)
    assert not Hold.objects.filter(request=request, reason="clarification").exists()


# ---------------------------------------------------------------------------- closing


def test_answering_closes_the_pauses_still_open(personas: Personas, login: Login) -> None:
    request = _request(personas)
    hold_ask(**_by(personas, request), reason="clarification", asked_on=date(2026, 3, 5),
             note="Which years?")
    assert _fresh(request).waiting_since == date(2026, 3, 5)
    _refused("responded_on", request_respond, **_by(personas, _fresh(request)),
             responded_on=date(2026, 3, 4), outcome=Outcome.FULL, response_channel="email")
    request_respond(**_by(personas, _fresh(request)), responded_on=date(2026, 3, 13),
                    outcome=Outcome.FULL, response_channel="email")
    stored = _fresh(request)
    # 5 to 13 March (9 days) did not count: 2 April + 9 = Saturday 11 April -> Monday 13.
    assert (stored.waiting_since, stored.due_on) == (None, date(2026, 4, 13))
    assert Hold.objects.get(request=request).answered_on == date(2026, 3, 13)
    assert _event(request, "requests.request.answered").changes["holds_closed"] == [
        "Clarification of the request asked on 2026-03-05: closed with the request on "
        "2026-03-13"]
    page = login(personas.dpo).get(reverse("requests:request-detail",
                                           kwargs={"public_id": request.public_id}))
    assert "Closed with the request on 13 March 2026" in page.content.decode()
    # Months later nothing has moved: the clock stopped with the request.
    with _at(date(2026, 7, 1)):
        clock = clock_refresh(_fresh(request))
    assert (clock.due_on, clock.waiting_since) == (date(2026, 4, 13), None)
    assert clock.moves[-1].what == "The deadline was Monday 13 April 2026"


def test_withdrawing_closes_the_pauses_still_open(personas: Personas) -> None:
    request = _request(personas)
    hold_ask(**_by(personas, request), reason="identity", asked_on=date(2026, 3, 3),
             note="Photo ID")
    request_withdraw(**_by(personas, _fresh(request)), withdrawn_on=date(2026, 3, 12),
                     reason="No longer needed")
    stored = _fresh(request)
    assert (stored.status, stored.waiting_since) == (Status.WITHDRAWN, None)
    assert Hold.objects.get(request=request).answered_on == date(2026, 3, 12)
    assert _event(request, "requests.request.withdrawn").changes["holds_closed"] == [
        "Proof of identity asked on 2026-03-03: closed with the request on 2026-03-12"]


# ---------------------------------------------------------------------------- exam marks


def test_exam_marks_asked_for_after_results_day_extend_as_subject_access(
        personas: Personas) -> None:
    request = _request(personas, kind=Kind.EXAM_MARKS)
    Request.objects.filter(pk=request.pk).update(results_announced_on=date(2026, 2, 20))
    clock_refresh(_fresh(request))
    assert (_fresh(request).due_on, _fresh(request).extension_tell_by) == (
        date(2026, 4, 2), date(2026, 4, 2))
    assert progress_context(_fresh(request))["progress"].extension_unit == "months"
    extension_add(**_by(personas, _fresh(request)), amount=2, decided_on=date(2026, 3, 10),
                  told_on=date(2026, 3, 11), reason="Marks from three boards")
    assert _fresh(request).due_on == date(2026, 6, 2)
    # Asked for before results day: five months or 40 days, never extended.
    before = _request(personas, kind=Kind.EXAM_MARKS)
    Request.objects.filter(pk=before.pk).update(results_announced_on=date(2026, 8, 20))
    clock_refresh(_fresh(before))
    assert _fresh(before).due_on == date(2026, 8, 2)
    _refused("amount", extension_add, **_by(personas, _fresh(before)), amount=1,
             decided_on=date(2026, 3, 10), reason="More time")


# ---------------------------------------------------------------------------- Article 19


def test_a_restriction_needs_the_recipients_told(personas: Personas) -> None:
    request = _request(personas, kind=Kind.RESTRICTION)
    _refused("recipients_told", request_respond, **_by(personas, request),
             responded_on=date(2026, 3, 13), outcome=Outcome.FULL, response_channel="email")
    request_respond(**_by(personas, request), responded_on=date(2026, 3, 13),
                    outcome=Outcome.FULL, response_channel="email",
                    recipients_told="The local authority's admissions team",
                    recipients_told_on=date(2026, 3, 13))
    assert _fresh(request).recipients_told == "The local authority's admissions team"
    refused = _request(personas, kind=Kind.RESTRICTION)
    request_respond(**_by(personas, refused), responded_on=date(2026, 3, 13),
                    outcome=Outcome.REFUSED_EXEMPT, response_channel="email",
                    outcome_reason="Needed for a legal claim")
    nothing = _request(personas, kind=Kind.RESTRICTION)
    request_respond(**_by(personas, nothing), responded_on=date(2026, 3, 13),
                    outcome=Outcome.NOTHING_HELD, response_channel="email")
    assert _fresh(refused).recipients_told == _fresh(nothing).recipients_told == ""
