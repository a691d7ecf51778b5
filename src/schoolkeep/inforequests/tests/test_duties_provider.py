"""Duties of requests: the response due on the deadline (in the red banner for its last five
working days, and overdue after it), none while the school waits for the requester or for
an acknowledged complaint; search tasks to their assignee; a wait of more than 14 days and
an extension not told, to the DPO. Titles carry the reference and the kind only. A request
hidden from a member is never their duty and never shown to them. Counts agree with the
lists for every persona, in the same number of queries for 3 and 40 schools."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.personas import PERSONA_NAMES, Personas

from schoolkeep.duties import registry
from schoolkeep.duties.selectors import duties_for_school, kind_of, owners_for, reader_for
from schoolkeep.duties.tests.per_kind import assert_per_kind_agrees
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts, OwnedCounts
from schoolkeep.inforequests.duties.provider import (
    AWAITING,
    FINAL_DAYS,
    MODULE,
    NOT_TOLD,
    RESPONSE,
    SEARCH,
    final_days_cutoff,
    provider,
)
from schoolkeep.inforequests.models import ExtraBankHoliday, Kind, SearchTask, Status
from schoolkeep.inforequests.tests.duties_support import (
    NARRATIVE,
    NOW,
    REQUESTER,
    SUBJECT,
    days,
    extension,
    hold,
    make,
    search,
)
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db
UNTIL = NOW + HORIZON


@pytest.fixture(autouse=True)
def _pinned():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def request_duties(school: Any) -> list[Any]:
    return [d for d in duties_for_school(school, NOW) if d.module == MODULE]


def kinds_of(duties: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for duty in duties:
        found.setdefault(duty.key.split(":", 1)[0], []).append(duty)
    return found


# --- the last five working days ------------------------------------------------------------


# The cutoff is the sixth working day: a deadline before it, the weekend or bank holidays
# just after the fifth included, has five working days or fewer left.
@pytest.mark.parametrize(("today", "cutoff"), [
    (date(2026, 12, 7), date(2026, 12, 14)),  # Monday: to Friday, and that weekend
    (date(2026, 12, 4), date(2026, 12, 11)),  # Friday: to Thursday
    (date(2026, 12, 5), date(2026, 12, 14)),  # Saturday: the week after
    (date(2026, 12, 10), date(2026, 12, 17)),  # Thursday: over a weekend
    # Christmas Day (Friday), Boxing Day's substitute (Monday 28) and New Year's Day do
    # not count (gov.uk's England and Wales dates for 2026 and 2027).
    (date(2026, 12, 23), date(2027, 1, 4)),
    (date(2026, 12, 29), date(2027, 1, 6)),
    (date(2027, 3, 25), date(2027, 4, 5)),  # Good Friday 26 March, Easter Monday 29
])
def test_the_last_five_working_days_skip_weekends_and_bank_holidays(
        today: date, cutoff: date) -> None:
    assert final_days_cutoff(today) == cutoff


def test_a_proclaimed_bank_holiday_counts_too() -> None:
    assert final_days_cutoff(date(2026, 12, 7), [date(2026, 12, 9)]) == date(2026, 12, 15)


# --- the response -------------------------------------------------------------------------


def test_the_response_is_the_dpos_duty_due_on_the_deadline(personas: Personas) -> None:
    later = make(personas.school, due=12)  # Saturday 19 December: 9 working days away
    found = kinds_of(request_duties(personas.school))
    [duty] = found[RESPONSE]
    assert FINAL_DAYS not in found
    assert duty.title == f"Respond to {later.reference} (Subject access request)"
    assert duty.due_at == later.due_on and duty.status == DUE and not duty.legal_clock
    assert duty.owner_user_ids == (personas.dpo.pk,)
    assert duty.url == reverse("requests:request-detail", args=[later.public_id])
    assert duty.permission == "requests.view"


def test_the_last_five_working_days_and_after_are_a_running_legal_clock(
        personas: Personas) -> None:
    friday = make(personas.school, due=4)  # Friday 11 December: the fifth working day
    monday = make(personas.school, due=7)  # Monday 14 December: the sixth
    late = make(personas.school, due=-2)
    found = kinds_of(request_duties(personas.school))
    assert [d.subject for d in found[FINAL_DAYS]] == [late.reference, friday.reference]
    assert [d.subject for d in found[RESPONSE]] == [monday.reference]
    overdue, soon = found[FINAL_DAYS]
    assert overdue.legal_clock and overdue.status == OVERDUE
    assert soon.legal_clock and soon.status == DUE
    # Due until the end of the deadline day (UK time).
    assert soon.due_date == friday.due_on
    assert soon.due_at.astimezone(NOW.tzinfo).strftime("%H:%M") == "23:59"


def test_on_its_deadline_day_a_request_is_due_not_overdue(personas: Personas) -> None:
    make(personas.school, due=0)
    [duty] = request_duties(personas.school)
    assert duty.status == DUE and duty.legal_clock


def test_a_school_day_off_moves_the_banner_only_for_that_school(personas: Personas) -> None:
    ExtraBankHoliday.objects.create(school=personas.school, day=days(1), name="Proclaimed")
    ours = make(personas.school, due=7)  # Monday 14 December: the fifth working day here
    theirs = make(personas.other_school, due=7)  # the sixth there
    counted = provider.counts([personas.school.pk, personas.other_school.pk], now=NOW,
                              horizon=UNTIL)
    assert counted[personas.school.pk] == DutyCounts(due=1)
    assert kinds_of(request_duties(personas.school))[FINAL_DAYS][0].subject == ours.reference
    assert kinds_of(request_duties(personas.other_school))[RESPONSE][0].subject == \
        theirs.reference


def test_no_response_duty_while_waiting_or_once_answered_or_withdrawn(
        personas: Personas) -> None:
    waiting = make(personas.school, due=3)
    hold(waiting, asked=-2)
    make(personas.school, due=3, status=Status.ANSWERED, responded_on=days(-1))
    make(personas.school, due=3, status=Status.WITHDRAWN, withdrawn_on=days(-1))
    assert request_duties(personas.school) == []


def test_a_complaint_is_a_duty_only_until_acknowledged(personas: Personas) -> None:
    complaint = make(personas.school, kind=Kind.COMPLAINT, due=2)
    [duty] = request_duties(personas.school)
    assert duty.title == f"Acknowledge the complaint {complaint.reference}"
    complaint.acknowledged_on = days(-1)
    complaint.save()
    assert request_duties(personas.school) == []


# --- waiting, extensions, searches --------------------------------------------------------


def test_a_wait_of_more_than_14_days_is_an_overdue_duty_to_chase(personas: Personas) -> None:
    fourteen = make(personas.school, due=20)
    hold(fourteen, asked=-14)
    fifteen = make(personas.school, due=20)
    hold(fifteen, asked=-15)
    [duty] = request_duties(personas.school)
    assert duty.key == f"{AWAITING}:{fifteen.public_id}"
    assert duty.title == (f"Chase the requester of {fifteen.reference}: proof of identity "
                          "awaited for more than 14 days")
    assert duty.due_at == days(-1) and duty.status == OVERDUE
    assert duty.owner_user_ids == (personas.dpo.pk,)


def test_an_extension_not_told_is_the_dpos_until_told(personas: Personas) -> None:
    request = make(personas.school, due=40)
    untold = extension(request, tell_by=10)
    duties = kinds_of(request_duties(personas.school))
    [duty] = duties[NOT_TOLD]
    assert duty.title == f"Tell the requester of {request.reference} about the extension"
    assert duty.due_at == days(10) and duty.owner_user_ids == (personas.dpo.pk,)
    untold.told_on = days(0)
    untold.save()
    assert NOT_TOLD not in kinds_of(request_duties(personas.school))


def test_an_extension_not_told_by_its_day_is_no_longer_a_duty(personas: Personas) -> None:
    """Whatever the kind: told later, an extension does not hold (the clocks let it lapse)."""
    for kind in (Kind.SUBJECT_ACCESS, Kind.FOI, Kind.EIR):
        extension(make(personas.school, due=40, kind=kind), tell_by=-1)
    foi = make(personas.school, due=40, kind=Kind.FOI)
    extension(foi, decided=-3, tell_by=2)
    [duty] = kinds_of(request_duties(personas.school))[NOT_TOLD]
    assert duty.subject == foi.reference
    assert duty.due_at == days(2) and duty.status == DUE


def test_a_search_task_is_its_assignees_duty(personas: Personas) -> None:
    request = make(personas.school, due=30)
    task = search(request, personas.it_lead, due=3, place="The e-mail archive")
    search(request, personas.staff, state=SearchTask.State.NOTHING)
    search(request, None)  # not assigned yet: nobody's search
    [duty] = request_duties(personas.school)
    assert duty.key == f"{SEARCH}:{task.pk}"
    assert duty.title == f"Search for information for {request.reference}"
    assert duty.subject == "The e-mail archive"
    assert duty.owner_user_ids == (personas.it_lead.pk,) and duty.due_at == days(3)
    assert duty.oversight_url == reverse("requests:request-detail", args=[request.public_id])


def test_a_search_without_its_own_date_is_due_on_the_deadline(personas: Personas) -> None:
    request = make(personas.school, due=9)
    search(request, personas.staff)
    [duty] = kinds_of(request_duties(personas.school))[SEARCH]
    assert duty.due_at == request.due_on


def test_titles_name_nobody_and_say_nothing_of_what_was_asked(personas: Personas) -> None:
    request = make(personas.school, due=2)
    search(request, personas.staff, due=1)
    extension(request)
    waiting = make(personas.school, due=30)
    hold(waiting, asked=-20)
    duties = request_duties(personas.school)
    assert len(duties) == 4
    for duty in duties:
        for words in (REQUESTER, SUBJECT, "Thistlewood", NARRATIVE, "passport"):
            assert words not in duty.title and words not in duty.subject


# --- hidden requests -------------------------------------------------------------------------


def test_a_request_hidden_from_the_dpo_goes_to_the_siro_and_never_shows_to_the_dpo(
        personas: Personas) -> None:
    hidden = make(personas.school, due=2)
    hidden.hidden_from.add(personas.dpo)
    search(hidden, personas.dpo)  # a task for someone it is hidden from: nobody's duty
    extension(hidden)
    shown = make(personas.school, due=3)  # another request, not hidden
    siro = reader_for(personas.school, NOW, user_id=personas.siro.pk)
    about = [d for kind in provider.kind_labels
             for d in siro.duties(provider, kind, mine=True, limit=None)]
    assert {(kind_of(d), d.subject) for d in about} == {
        (FINAL_DAYS, hidden.reference), (NOT_TOLD, hidden.reference)}
    assert all(d.owner_user_ids == (personas.siro.pk,) for d in about)
    # For nobody in particular (the overview's figures) a hidden request is left out.
    assert [d.subject for d in request_duties(personas.school)] == [shown.reference]
    reader = reader_for(personas.school, NOW, user_id=personas.dpo.pk)
    counted = reader.counts(provider)
    assert counted[FINAL_DAYS] == OwnedCounts(mine=DutyCounts(due=1))
    assert NOT_TOLD not in counted and SEARCH not in counted
    for mine in (True, False):
        for kind in provider.kind_labels:
            assert all(d.subject != hidden.reference
                       for d in reader.duties(provider, kind, mine=mine, limit=None))


def test_a_request_about_the_siro_is_never_shown_to_the_siro(
        personas: Personas, login: Any) -> None:
    hidden = make(personas.school, due=1)
    hidden.hidden_from.add(personas.siro)
    shown = make(personas.school, due=2)
    siro = reader_for(personas.school, NOW, user_id=personas.siro.pk)
    assert siro.counts(provider) == {FINAL_DAYS: OwnedCounts(others=DutyCounts(due=1))}
    assert [d.subject for d in siro.duties(provider, FINAL_DAYS, mine=False, limit=5)] == [
        shown.reference]
    page = login(personas.siro).get(reverse("duties:dashboard")).content.decode()
    assert shown.reference in page and hidden.reference not in page


def test_hidden_from_every_dpo_and_siro_but_one(personas: Personas) -> None:
    second = UserFactory(full_name="Second DPO Person")
    MembershipFactory(user=second, school=personas.school, roles=[Role.DPO])
    hidden = make(personas.school, due=2)
    hidden.hidden_from.add(personas.dpo)
    reader = reader_for(personas.school, NOW, user_id=second.pk)
    [duty] = reader.duties(provider, FINAL_DAYS, mine=True, limit=None)
    assert duty.subject == hidden.reference and duty.owner_user_ids == (second.pk,)
    owners = owners_for({(personas.school.pk, Role.DPO): [personas.dpo.pk, second.pk],
                         (personas.school.pk, Role.SIRO): [personas.siro.pk]},
                        personas.school.pk, second.pk)
    assert provider.kind_counts(personas.school.pk, now=NOW, horizon=UNTIL,
                                owners=owners)[FINAL_DAYS].mine == DutyCounts(due=1)


# --- agreement and queries ---------------------------------------------------------------


def every_kind(school: Any, personas: Personas, n: int = 1) -> None:
    for i in range(n):
        make(school, due=-1 - i)  # overdue
        make(school, due=2 + i % 3)  # the last five working days
        make(school, due=10 + i % 3)  # due, later
        make(school, due=40)  # beyond the horizon
        waiting = make(school, due=20)
        hold(waiting, asked=-16 - i)
        request = make(school, due=35, kind=Kind.FOI)
        search(request, personas.staff, due=-i)
        search(request, personas.it_lead, due=3 + i)
        search(request, personas.siro)
        extension(request, tell_by=i)
        make(school, kind=Kind.COMPLAINT, due=5 + i)


def test_lists_and_counts_agree_for_every_persona(personas: Personas) -> None:
    every_kind(personas.school, personas, n=3)
    viewers = [personas.users[name].pk for name in PERSONA_NAMES]
    total = assert_per_kind_agrees(provider, personas.school.pk, NOW, viewers)
    assert total == 3 * 8  # the searcher with no date of its own is due beyond the horizon


def test_without_a_dpo_the_siro_owns_the_responses(personas: Personas) -> None:
    Membership.objects.filter(user=personas.dpo).update(is_active=False)
    make(personas.school, due=2)
    [duty] = request_duties(personas.school)
    assert duty.owner_user_ids == (personas.siro.pk,)


def test_only_who_may_see_requests_sees_others_request_duties(
        personas: Personas, login: Any) -> None:
    assert registry.view_permission_for(MODULE) == "requests.view"
    request = make(personas.school, due=1)
    for name, sees in (("dpo", True), ("siro", True), ("auditor", True), ("staff", False),
                       ("governor", False), ("it_lead", False), ("trust_admin", False)):
        page = login(personas.users[name]).get(reverse("duties:dashboard")).content.decode()
        assert (request.reference in page) is sees, name
        assert REQUESTER not in page and NARRATIVE not in page


def test_the_red_banner_holds_the_request_in_its_last_five_working_days(
        personas: Personas, login: Any) -> None:
    soon = make(personas.school, due=3)
    later = make(personas.school, due=10)
    page = login(personas.dpo).get(reverse("duties:dashboard")).content.decode()
    banner = page[page.index('id="legal-clocks"'):page.index("</section>")]
    assert f"Respond to {soon.reference}" in banner
    assert "23:59 on Thursday 10 December 2026" in banner
    assert later.reference not in banner and later.reference in page
    # The SIRO follows it up from the banner of others' legal deadlines.
    page = login(personas.siro).get(reverse("duties:dashboard")).content.decode()
    assert 'id="others-clocks"' in page
    others = page[page.index('id="others-clocks"'):]
    assert f"Respond to {soon.reference}" in others[:others.index("</section>")]


def test_the_assignee_sees_their_search_and_nothing_else(
        personas: Personas, login: Any) -> None:
    request = make(personas.school, due=2)
    other = make(personas.school, due=3)
    task = search(request, personas.staff, due=1)
    client = login(personas.staff)
    page = client.get(reverse("duties:dashboard")).content.decode()
    assert f"Search for information for {request.reference}" in page
    link = reverse("requests:search-detail", args=[task.pk])
    assert f'href="{link}"' in page and client.get(link).status_code == 200
    assert other.reference not in page and "legal-clocks" not in page


def _schools(personas: Personas, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        school = SchoolFactory()
        for role in (Role.DPO, Role.SIRO):
            MembershipFactory(user=UserFactory(), school=school, roles=[role])
        make(school, due=2)
        make(school, due=10)
        waiting = make(school, due=20)
        hold(waiting, asked=-20)
        request = make(school, due=30)
        search(request, personas.staff, due=1)
        extension(request)
        ExtraBankHoliday.objects.create(school=school, day=days(1), name="Proclaimed")
        ids.append(school.pk)
    return ids


@pytest.mark.parametrize("n", [3, 40])
def test_counts_take_two_queries_for_any_number_of_schools(
        personas: Personas, n: int, django_assert_num_queries: Any) -> None:
    ids = _schools(personas, n)
    with django_assert_num_queries(2):
        counted = provider.counts(ids, now=NOW, horizon=UNTIL)
    # Due: the last five working days, a later deadline, the search, the extension to
    # tell; overdue: the wait of 20 days.
    assert all(counted[school_id] == DutyCounts(due=4, overdue=1) for school_id in ids)


@pytest.mark.parametrize("n", [3, 40])
def test_each_kind_is_listed_in_the_same_queries_however_many(
        personas: Personas, n: int, django_assert_num_queries: Any) -> None:
    every_kind(personas.school, personas, n=n)
    owners = owners_for({(personas.school.pk, Role.DPO): [personas.dpo.pk]},
                        personas.school.pk, personas.dpo.pk)
    for kind, queries in ((FINAL_DAYS, 2), (RESPONSE, 2), (AWAITING, 1), (SEARCH, 1),
                          (NOT_TOLD, 1)):
        with django_assert_num_queries(queries):
            listed = provider.for_kind(personas.school.pk, kind, now=NOW, horizon=UNTIL,
                                       owners=owners, mine=kind != SEARCH, limit=5)
        assert listed, kind
    with django_assert_num_queries(2):
        provider.kind_counts(personas.school.pk, now=NOW, horizon=UNTIL, owners=owners)


def test_a_deadline_beyond_the_horizon_is_not_yet_a_duty(personas: Personas) -> None:
    make(personas.school, due=HORIZON.days)
    make(personas.school, due=HORIZON.days - 1)
    assert [d.due_at for d in request_duties(personas.school)] == [
        days(HORIZON.days - 1)]
