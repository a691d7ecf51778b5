"""What a review of handling found, each pinned: the page's countdown and its date agree;
saving the form rewrites only what changed (the seconds of receipt kept, an answered
request's record still correctable); an acknowledged complaint is not overdue; a member with
an open search is not hidden from the request; the form allows the evidence of authority
intake allows; receipt is not moved after what was recorded since."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import CHANGED
from schoolkeep.inforequests.clocks.deadline import work_out
from schoolkeep.inforequests.handling.services import (
    request_hide,
    request_identity_record,
    request_update,
)
from schoolkeep.inforequests.models import Hold, IdentityMethod, Kind, Request, SearchTask, Status
from schoolkeep.inforequests.progress.services import (
    complaint_acknowledge,
    extension_add,
    hold_ask,
    request_respond,
)
from schoolkeep.inforequests.searches.services import search_record
from schoolkeep.inforequests.tests.handling_support import full_request
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError

Login = Callable[[User], Client]


def _detail(request_obj: Request) -> str:
    return reverse("requests:request-detail", args=[request_obj.public_id])


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _edit_data(request_obj: Request, **changes: str) -> dict[str, str]:
    """The edit form as it comes filled in, with ``changes``."""
    received = request_obj.received_at.astimezone(LONDON)
    data = {"version": str(request_obj.version), "kind": request_obj.kind,
            "channel": request_obj.channel, "received_at_0": str(received.day),
            "received_at_1": str(received.month), "received_at_2": str(received.year),
            "received_at_3": str(received.hour), "received_at_4": str(received.minute),
            "requester_type": request_obj.requester_type,
            "requester_name": request_obj.requester_name,
            "requester_contact": request_obj.requester_contact,
            "authority_evidence": request_obj.authority_evidence,
            "subject_type": request_obj.subject_type, "subject_name": request_obj.subject_name,
            "description": request_obj.description, "whose_right": request_obj.whose_right,
            "child_competent": "unknown", "child_consented": "unknown",
            "child_note": request_obj.child_note}
    return {**data, **changes}


# ---------------------------------------------------------------------------- 1. one deadline


def test_the_countdown_counts_to_the_deadline_the_page_gives(personas: Personas,
                                                           login: Login) -> None:
    request_obj = make_request(personas)
    clock = work_out(request_obj)
    # A stored deadline behind the one worked out now (before the daily tick catches up).
    Request.objects.filter(pk=request_obj.pk).update(due_on=clock.due_on - timedelta(days=3))
    html = _page(login(personas.dpo), _detail(request_obj))
    left = (clock.due_on - timezone.localdate()).days
    assert f"Respond by <strong><time datetime=\"{clock.due_on:%Y-%m-%d}\">" in html
    assert f"{left} days left" in html and f"{left - 3} days left" not in html


def test_an_answered_request_gives_the_deadline_it_was_answered_against(
        personas: Personas, login: Login) -> None:
    request_obj = make_request(personas)
    request_respond(school=personas.school, actor=personas.dpo, request=request_obj,
                    responded_on=timezone.localdate(), outcome="full",
                    response_channel="email")
    stored = work_out(request_obj).due_on - timedelta(days=2)
    Request.objects.filter(pk=request_obj.pk).update(due_on=stored)
    html = _page(login(personas.dpo), _detail(request_obj))
    assert f"The deadline was {_long(stored)}." in html


# ---------------------------------------------------------------------------- 3. the edit form


def _logged_with_seconds(personas: Personas) -> Request:
    received = (timezone.now() - timedelta(days=2)).replace(second=37, microsecond=120_000)
    request_obj = make_request(personas, received_at=received)
    assert request_obj.received_at.second == 37
    return request_obj


def test_saving_the_form_keeps_the_seconds_of_receipt(personas: Personas,
                                                      login: Login) -> None:
    request_obj = _logged_with_seconds(personas)
    url = reverse("requests:request-edit", args=[request_obj.public_id])
    response = login(personas.dpo).post(url, _edit_data(request_obj,
                                                        description="Only Year 5 reports."))
    assert response.status_code == 302
    fresh = Request.objects.get(pk=request_obj.pk)
    assert fresh.received_at == request_obj.received_at
    assert fresh.description == "Only Year 5 reports."
    [event] = AuditEvent.objects.filter(action="requests.request.changed",
                                        target_id=str(request_obj.public_id))
    assert event.changes == {"description": {"before": CHANGED, "after": CHANGED}}


def test_an_answered_request_can_still_have_its_description_corrected(
        personas: Personas, login: Login) -> None:
    request_obj = _logged_with_seconds(personas)
    request_respond(school=personas.school, actor=personas.dpo, request=request_obj,
                    responded_on=timezone.localdate(), outcome="full",
                    response_channel="email")
    request_obj.refresh_from_db()
    assert request_obj.status == Status.ANSWERED
    url = reverse("requests:request-edit", args=[request_obj.public_id])
    response = login(personas.dpo).post(url, _edit_data(request_obj,
                                                        description="Only Year 5 reports."))
    assert response.status_code == 302, response.context["form"].errors
    fresh = Request.objects.get(pk=request_obj.pk)
    assert fresh.received_at == request_obj.received_at
    assert (fresh.description, fresh.due_on) == ("Only Year 5 reports.", request_obj.due_on)


def test_a_new_minute_of_receipt_is_still_saved(personas: Personas, login: Login) -> None:
    request_obj = _logged_with_seconds(personas)
    earlier = request_obj.received_at.astimezone(LONDON) - timedelta(hours=1)
    url = reverse("requests:request-edit", args=[request_obj.public_id])
    response = login(personas.dpo).post(url, _edit_data(
        request_obj, received_at_3=str(earlier.hour), received_at_2=str(earlier.year),
        received_at_1=str(earlier.month), received_at_0=str(earlier.day)))
    assert response.status_code == 302
    fresh = Request.objects.get(pk=request_obj.pk)
    assert fresh.received_at == earlier.replace(second=0, microsecond=0)


# ---------------------------------------------------------------------------- 4. complaints


def test_an_acknowledged_complaint_is_neither_overdue_nor_first(personas: Personas,
                                                               login: Login) -> None:
    today = timezone.localdate()
    acknowledged = make_request(personas, kind=Kind.COMPLAINT,
                                received_at=timezone.now() - timedelta(days=40))
    complaint_acknowledge(school=personas.school, actor=personas.dpo, request=acknowledged,
                          acknowledged_on=today - timedelta(days=35))  # in time
    acknowledged.refresh_from_db()
    assert acknowledged.due_on < today  # the day to acknowledge it by has passed
    overdue = make_request(personas, kind=Kind.COMPLAINT,
                           received_at=timezone.now() - timedelta(days=40))
    running = make_request(personas)
    answered = make_request(personas)
    request_respond(school=personas.school, actor=personas.dpo, request=answered,
                    responded_on=today, outcome="full", response_channel="email")
    client = login(personas.dpo)
    html = _page(client, reverse("requests:request-list"))
    order = [html.index(r.reference) for r in (overdue, running, acknowledged, answered)]
    assert order == sorted(order)
    html = _page(client, reverse("requests:request-list") + "?status=overdue")
    assert overdue.reference in html and acknowledged.reference not in html


# ---------------------------------------------------------------------------- 5. hiding


def test_hiding_from_a_member_with_an_open_search_is_refused_naming_it(
        personas: Personas) -> None:
    request_obj = full_request(personas)  # CPOMS 0 is the member of staff's, still open
    with pytest.raises(DomainError) as refused:
        request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                     hidden_from=[personas.siro, personas.staff])
    assert refused.value.field == "hidden_from"
    assert "CPOMS 0" in str(refused.value) and str(personas.staff) in str(refused.value)
    assert "Reassign" in str(refused.value)
    assert not request_obj.hidden_from.exists()
    # Once the search is made, hiding from them is allowed.
    task = SearchTask.objects.get(request=request_obj, assignee=personas.staff)
    search_record(school=personas.school, actor=personas.staff, task=task,
                  state=SearchTask.State.NOTHING, searched_on=timezone.localdate())
    request_hide(school=personas.school, actor=personas.dpo, request=request_obj,
                 hidden_from=[personas.siro, personas.staff])
    assert set(request_obj.hidden_from.all()) == {personas.siro, personas.staff}


def test_the_hide_form_shows_the_refusal_on_its_field(personas: Personas,
                                                      login: Login) -> None:
    request_obj = full_request(personas)
    url = reverse("requests:request-hide", args=[request_obj.public_id])
    response = login(personas.dpo).post(url, {"version": str(request_obj.version),
                                              "hidden_from": [str(personas.staff.pk)]})
    assert response.status_code == 200
    [error] = response.context["form"].errors["hidden_from"]
    assert "CPOMS 0" in error


# ---------------------------------------------------------------------------- 6. the limit


def test_the_form_takes_evidence_of_authority_as_long_as_intake_does(
        personas: Personas, login: Login) -> None:
    request_obj = make_request(personas)
    evidence = "A signed letter of authority. " * 250  # 7,500 characters
    url = reverse("requests:request-edit", args=[request_obj.public_id])
    response = login(personas.dpo).post(url, _edit_data(request_obj,
                                                        authority_evidence=evidence))
    assert response.status_code == 302
    assert Request.objects.get(pk=request_obj.pk).authority_evidence == evidence.strip()


# ---------------------------------------------------------------------------- 7. receipt


def _after_hold(personas: Personas, request_obj: Request, day: date) -> None:
    hold_ask(school=personas.school, actor=personas.dpo, request=request_obj,
             reason=Hold.Reason.IDENTITY, asked_on=day, note="A passport, please")


def _after_extension(personas: Personas, request_obj: Request, day: date) -> None:
    extension_add(school=personas.school, actor=personas.dpo, request=request_obj, amount=1,
                  reason="Many records across years", decided_on=day, told_on=day)


def _after_identity(personas: Personas, request_obj: Request, day: date) -> None:
    request_identity_record(school=personas.school, actor=personas.dpo, request=request_obj,
                            method=IdentityMethod.PASSPORT, checked_on=day)


@pytest.mark.parametrize("record", [_after_hold, _after_extension, _after_identity])
def test_receipt_cannot_move_after_what_was_recorded_since(
        personas: Personas, record: Callable[[Personas, Request, date], None]) -> None:
    received = timezone.now() - timedelta(days=10)
    request_obj = make_request(personas, received_at=received)
    recorded_on = timezone.localdate() - timedelta(days=8)
    record(personas, request_obj, recorded_on)
    request_obj.refresh_from_db()
    later = datetime.combine(recorded_on + timedelta(days=2), datetime.min.time().replace(
        hour=12), tzinfo=LONDON)
    with pytest.raises(DomainError) as refused:
        request_update(school=personas.school, actor=personas.dpo, request=request_obj,
                       version=request_obj.version, received_at=later)
    assert refused.value.field == "received_at"
    assert _long(recorded_on) in str(refused.value)
    assert Request.objects.get(pk=request_obj.pk).received_at == request_obj.received_at
    # The same day as what was recorded, or earlier, is fine.
    same_day = datetime.combine(recorded_on, datetime.min.time().replace(hour=8),
                                tzinfo=LONDON)
    moved = request_update(school=personas.school, actor=personas.dpo, request=request_obj,
                           version=request_obj.version, received_at=same_day)
    assert moved.received_on == recorded_on
