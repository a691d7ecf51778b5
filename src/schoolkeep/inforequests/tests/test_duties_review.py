"""Duties of requests after review, each on requests built through the services (logged,
hidden, acknowledged, extended, answered) so that every clock field is the one the clocks
worked out: the overview's figures leave out a request hidden from the viewer; a request
hidden from a teacher stays every DPO's; a complaint due on a Saturday is in the red banner
for its last five working days; a search on an acknowledged complaint is not overdue from
the 30 days already met; a reminder is not claimed for a request answered, withdrawn,
paused or acknowledged since it was found; an extension not told by its tell-by day is no
duty, whatever the kind."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from tests.factories import MembershipFactory, UserFactory
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.duties.selectors import counts_for_schools, dashboard_for, reader_for
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts, OwnedCounts
from schoolkeep.inforequests.duties import ticks
from schoolkeep.inforequests.duties.provider import (
    FINAL_DAYS,
    MODULE,
    NOT_TOLD,
    SEARCH,
    provider,
)
from schoolkeep.inforequests.handling.services import request_hide, request_update
from schoolkeep.inforequests.models import Channel, Hold, Kind, Outcome, Request, SearchTask
from schoolkeep.inforequests.progress.services import (
    complaint_acknowledge,
    extension_add,
    hold_ask,
    request_respond,
    request_withdraw,
)
from schoolkeep.inforequests.searches.services import search_add, search_assign
from schoolkeep.inforequests.tests.duties_support import LONDON, NOW, TODAY
from schoolkeep.overview.selectors import overviews
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):  # Monday 7 December 2026, noon
        yield


def received(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=LONDON)


def logged(personas: Personas, day: date, kind: str = Kind.SUBJECT_ACCESS,
           **fields: Any) -> Request:
    """A request logged by the member of staff, received on ``day`` at 9:00."""
    return make_request(personas, kind=kind, received_at=received(day), **fields)


def mine(user: Any, personas: Personas, kind: str = FINAL_DAYS) -> list[Any]:
    reader = reader_for(personas.school, NOW, user_id=user.pk)
    return reader.duties(provider, kind, mine=True, limit=None)


# --- 1. the overview's figures, for whoever is looking ------------------------------------


def test_the_siros_overview_figure_leaves_out_a_request_hidden_from_them(
        personas: Personas) -> None:
    shown = logged(personas, date(2026, 11, 9))  # due Wednesday 9 December
    assert shown.due_on == date(2026, 12, 9)
    siro = SchoolAccess(personas.school, frozenset({Role.SIRO}))

    def overview() -> tuple[DutyCounts, DutyCounts]:
        [found] = overviews([siro], NOW)
        return found.duties, counts_for_schools([personas.school.pk], NOW)[
            personas.school.pk][MODULE]

    before = overview()
    assert before[1] == DutyCounts(due=1)
    hidden = logged(personas, date(2026, 11, 10), hide_from_roles=["siro"])
    assert hidden.hidden_from.filter(pk=personas.siro.pk).exists()
    assert overview() == before
    # The SIRO's dashboard shows the same one request.
    assert dashboard_for(siro, personas.siro.pk, NOW).per_module[MODULE] == DutyCounts(due=1)
    # The DPO still has both on their dashboard.
    dpo = reader_for(personas.school, NOW, user_id=personas.dpo.pk)
    assert dpo.counts(provider)[FINAL_DAYS] == OwnedCounts(mine=DutyCounts(due=2))


# --- 2. hidden from a teacher: still every DPO's -----------------------------------------


def test_a_request_hidden_from_a_teacher_is_every_dpos(personas: Personas) -> None:
    second = UserFactory(full_name="Second DPO Person")
    MembershipFactory(user=second, school=personas.school, roles=[Role.DPO])
    request = logged(personas, date(2026, 11, 9))
    request_hide(school=personas.school, actor=personas.dpo, request=request,
                 hidden_from=[personas.staff])
    dpos = tuple(sorted((personas.dpo.pk, second.pk)))
    for dpo in (personas.dpo, second):
        reader = reader_for(personas.school, NOW, user_id=dpo.pk)
        assert reader.counts(provider)[FINAL_DAYS] == OwnedCounts(mine=DutyCounts(due=1))
        [duty] = mine(dpo, personas)
        assert duty.subject == request.reference and duty.owner_user_ids == dpos
    assert mine(personas.staff, personas) == []


# --- 3. a deadline on a Saturday ----------------------------------------------------------


def test_a_complaint_due_on_a_saturday_is_in_the_banner_five_working_days_before(
        personas: Personas, login: Any) -> None:
    complaint = logged(personas, date(2026, 11, 13), kind=Kind.COMPLAINT)
    assert complaint.due_on == date(2026, 12, 12)  # 30 days beginning Friday 13 November
    page = login(personas.dpo).get(reverse("duties:dashboard")).content.decode()
    banner = page[page.index('id="legal-clocks"'):]
    banner = banner[:banner.index("</section>")]
    assert f"Acknowledge the complaint {complaint.reference}" in banner
    [duty] = mine(personas.dpo, personas)
    assert duty.legal_clock and duty.status == DUE


# --- 4. a search on an acknowledged complaint ---------------------------------------------


def test_a_search_on_an_acknowledged_complaint_is_not_overdue_from_its_30_days(
        personas: Personas) -> None:
    complaint = logged(personas, date(2026, 11, 2), kind=Kind.COMPLAINT)
    assert complaint.due_on == date(2026, 12, 1)  # past: acknowledged in time
    complaint = complaint_acknowledge(school=personas.school, actor=personas.dpo,
                                      request=complaint, acknowledged_on=date(2026, 11, 5))
    dated, undated = (search_add(school=personas.school, actor=personas.dpo,
                                 request=complaint, place=place)
                      for place in ("CPOMS", "The e-mail archive"))
    for task in (dated, undated):
        search_assign(school=personas.school, actor=personas.dpo, request=complaint,
                      task=task, assignee=personas.staff, due_on=date(2026, 12, 10))
    # The services always give an assigned search its date; the model allows none (a task
    # written before dates were asked for), which falls back to the request's deadline.
    # Once the complaint is acknowledged that deadline is met: no date to be overdue from.
    SearchTask.objects.filter(pk=undated.pk).update(due_on=None)
    [duty] = mine(personas.staff, personas, SEARCH)
    assert duty.key == f"{SEARCH}:{dated.pk}"
    assert duty.due_at == date(2026, 12, 10) and duty.status == DUE
    reader = reader_for(personas.school, NOW, user_id=personas.staff.pk)
    assert reader.counts(provider) == {SEARCH: OwnedCounts(mine=DutyCounts(due=1))}
    assert all(d.status != OVERDUE for d in reader.duties(provider, SEARCH, mine=False,
                                                          limit=None))


# --- 5. the reminder's claim checks the request as it is now -------------------------------


def _answer(personas: Personas, request: Request) -> None:
    request_respond(school=personas.school, actor=personas.dpo, request=request,
                    responded_on=TODAY, outcome=Outcome.FULL,
                    response_channel=Channel.EMAIL)


def _withdraw(personas: Personas, request: Request) -> None:
    request_withdraw(school=personas.school, actor=personas.dpo, request=request,
                     withdrawn_on=TODAY, reason="They no longer need it")


def _pause(personas: Personas, request: Request) -> None:
    hold_ask(school=personas.school, actor=personas.dpo, request=request,
             reason=Hold.Reason.IDENTITY, asked_on=TODAY, note="Asked for a passport")


def _acknowledge(personas: Personas, request: Request) -> None:
    complaint_acknowledge(school=personas.school, actor=personas.dpo, request=request,
                          acknowledged_on=TODAY)


@pytest.mark.parametrize(("kind", "change"), [
    (Kind.SUBJECT_ACCESS, _answer),
    (Kind.SUBJECT_ACCESS, _withdraw),
    (Kind.SUBJECT_ACCESS, _pause),
    (Kind.COMPLAINT, _acknowledge),
], ids=["answered", "withdrawn", "waiting", "acknowledged"])
def test_no_reminder_for_a_request_changed_since_it_was_found(
        personas: Personas, kind: str, change: Callable[[Personas, Request], None],
        monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any) -> None:
    request = logged(personas, date(2026, 11, 16), kind=kind)
    found = ticks.due_reminders(TODAY)  # 21 days of 30 (or 29): the 50 % one is due
    assert [(each.pk, percent) for each, percent in found] == [(request.pk, 50)]
    change(personas, request)
    # The tick read its candidates before the change: the claim must see it.
    monkeypatch.setattr(ticks, "due_reminders", lambda today: found)
    with django_capture_on_commit_callbacks(execute=True):
        assert ticks.send_request_reminders(NOW) == []
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.reminded_50_at is None


# --- 7. an extension not told by its day, whatever the kind -------------------------------


def test_an_extension_not_told_lapses_into_no_duty_for_every_kind(personas: Personas) -> None:
    """Environmental information received Monday 2 November 2026: its extension must be
    told within the 20 working days (the clock's ``extension_tell_by``, at the turn of
    November), so on 7 December an extension not told is no longer a duty."""
    then = datetime(2026, 11, 20, 12, tzinfo=LONDON)
    with time_machine.travel(then, tick=False):
        eir = logged(personas, date(2026, 11, 2), kind=Kind.EIR,
                     requester_contact="pat@example.com")
        extension_add(school=personas.school, actor=personas.dpo, request=eir, amount=20,
                      reason="Complex and voluminous", decided_on=then.date())
        eir.refresh_from_db()
        tell_by = eir.extension_tell_by
        assert tell_by is not None and then.date() < tell_by < TODAY
        [duty] = provider.for_kind(personas.school.pk, NOT_TOLD, now=then,
                                   horizon=then + HORIZON)
        assert duty.subject == eir.reference and duty.due_at == tell_by
    # Exam marks asked for on results day run the rights' month and may be extended; when
    # results day is corrected to later, the five months apply, which take no extension:
    # the request has no tell-by day and the extension decided is no duty.
    exam = logged(personas, date(2026, 11, 16), kind=Kind.EXAM_MARKS)
    exam = request_update(school=personas.school, actor=personas.dpo, request=exam,
                          version=exam.version, results_announced_on=date(2026, 11, 16))
    extension_add(school=personas.school, actor=personas.dpo, request=exam, amount=1,
                  reason="Marks from three boards", decided_on=TODAY)
    exam.refresh_from_db()
    assert exam.extension_tell_by == date(2026, 12, 16)
    [duty] = mine(personas.dpo, personas, NOT_TOLD)
    assert duty.subject == exam.reference and duty.due_at == date(2026, 12, 16)
    exam = request_update(school=personas.school, actor=personas.dpo, request=exam,
                          version=exam.version, results_announced_on=date(2026, 11, 20))
    assert exam.extension_tell_by is None and exam.extensions.filter(
        told_on__isnull=True).exists()
    # On 7 December the EIR's tell-by day has passed: that extension has lapsed too.
    assert provider.for_kind(personas.school.pk, NOT_TOLD, now=NOW, horizon=NOW + HORIZON) == []
    reader = reader_for(personas.school, NOW, user_id=personas.dpo.pk)
    assert NOT_TOLD not in reader.counts(provider)
