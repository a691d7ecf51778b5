"""The school's one-off bank holidays: the services (the DPO alone, the rules with the field
named, one audit event, the open deadlines worked out again) and the bank holidays page (who
reads it, who may change it, the form's errors, another school's day is a 404, a constant
number of queries however many days there are)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.clocks.services import (
    extra_bank_holiday_add,
    extra_bank_holiday_remove,
)
from schoolkeep.inforequests.models import ExtraBankHoliday, Kind, Request, Status
from schoolkeep.inforequests.tests.test_clocks_support import stored_request
from schoolkeep.lib.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db
Login = Callable[[Any], Client]

# 2 March 2026 + one month = Thursday 2 April 2026.
RECEIVED = date(2026, 3, 2)


def test_the_dpo_adds_a_day_and_open_deadlines_move(personas: Personas) -> None:
    open_request = stored_request(personas.school, received_on=RECEIVED)
    answered = stored_request(personas.school, received_on=RECEIVED, status=Status.ANSWERED)
    holiday = extra_bank_holiday_add(school=personas.school, actor=personas.dpo,
                                     day=date(2026, 4, 2), name="State funeral")
    assert holiday.created_by == personas.dpo
    # Then Good Friday, the weekend and Easter Monday.
    assert Request.objects.get(pk=open_request.pk).due_on == date(2026, 4, 7)
    assert Request.objects.get(pk=answered.pk).due_on == date(2026, 4, 2)
    event = AuditEvent.objects.get(action="requests.bank-holiday.added")
    assert event.target_label == "State funeral, 2 April 2026"
    assert event.changes["deadlines_moved"]["after"] == 1
    moved = extra_bank_holiday_remove(school=personas.school, actor=personas.dpo,
                                      holiday=holiday)
    assert moved == 1
    assert Request.objects.get(pk=open_request.pk).due_on == date(2026, 4, 2)
    assert not ExtraBankHoliday.objects.exists()
    assert AuditEvent.objects.filter(action="requests.bank-holiday.removed").count() == 1


def test_a_uk_only_day_moves_foi_but_not_subject_access(personas: Personas) -> None:
    rights = stored_request(personas.school, received_on=date(2026, 9, 14))
    foi = stored_request(personas.school, kind=Kind.EIR, received_on=date(2026, 9, 14))
    rights_due, foi_due = rights.due_on, foi.due_on
    extra_bank_holiday_add(school=personas.school, actor=None, day=date(2026, 9, 21),
                           name="A day in Wales", nations=ExtraBankHoliday.Nations.ELSEWHERE)
    assert Request.objects.get(pk=rights.pk).due_on == rights_due
    assert Request.objects.get(pk=foi.pk).due_on == foi_due + timedelta(days=1)


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"day": None, "name": "A day"}, "day", "Enter the day"),
    ({"day": date(2026, 10, 10), "name": "A day"}, "day", "weekend"),
    ({"day": date(2026, 12, 25), "name": "A day"}, "day", "already a bank holiday"),
    ({"day": date(2026, 3, 17), "name": "A day", "nations": "elsewhere"}, "day",
     "already a bank holiday (Saint Patrick"),
    ({"day": date(2026, 10, 14), "name": "  "}, "name", "Enter the name"),
    ({"day": date(2026, 10, 14), "name": "x" * 101}, "name", "100 characters"),
    ({"day": date(2026, 10, 14), "name": "A day", "nations": "mars"}, "nations", "Choose"),
    ({"day": "14/10/2026", "name": "A day"}, "day", "real date"),
])
def test_each_rule_names_its_field(personas: Personas, fields: dict[str, Any], field: str,
                                   words: str) -> None:
    with pytest.raises(DomainError) as caught:
        extra_bank_holiday_add(school=personas.school, actor=personas.dpo, **fields)
    assert caught.value.field == field and words in caught.value.message
    assert not ExtraBankHoliday.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="requests.bank-holiday").exists()


def test_a_day_already_added_is_refused(personas: Personas) -> None:
    extra_bank_holiday_add(school=personas.school, actor=None, day=date(2026, 10, 14),
                           name="A day")
    with pytest.raises(DomainError, match="already one of the school's") as caught:
        extra_bank_holiday_add(school=personas.school, actor=None, day="2026-10-14",
                               name="Again")
    assert caught.value.field == "day"
    # Another school may add the same day.
    extra_bank_holiday_add(school=personas.other_school, actor=None, day=date(2026, 10, 14),
                           name="A day")


@pytest.mark.parametrize("who", ["siro", "auditor", "staff", "trust_admin", "outsider"])
def test_only_the_dpo_changes_the_bank_holidays(personas: Personas, who: str) -> None:
    with pytest.raises(NotAllowed):
        extra_bank_holiday_add(school=personas.school, actor=getattr(personas, who),
                               day=date(2026, 10, 14), name="A day")
    holiday = ExtraBankHoliday.objects.create(school=personas.school, day=date(2026, 10, 14),
                                              name="A day")
    with pytest.raises(NotAllowed):
        extra_bank_holiday_remove(school=personas.school, actor=getattr(personas, who),
                                  holiday=holiday)


def test_another_school_s_day_cannot_be_removed(personas: Personas) -> None:
    theirs = ExtraBankHoliday.objects.create(school=personas.other_school,
                                             day=date(2026, 10, 14), name="Theirs")
    with pytest.raises(DomainError, match="another school"):
        extra_bank_holiday_remove(school=personas.school, actor=None, holiday=theirs)
    assert ExtraBankHoliday.objects.filter(pk=theirs.pk).exists()


# --- the page -------------------------------------------------------------------------------


def test_the_page_lists_the_coming_bank_holidays_and_the_school_s_days(
        personas: Personas, login: Login) -> None:
    ExtraBankHoliday.objects.create(school=personas.school, day=date(2027, 6, 14),
                                    name="Our one-off day")
    ExtraBankHoliday.objects.create(school=personas.other_school, day=date(2027, 6, 15),
                                    name="Their one-off day")
    html = login(personas.dpo).get(reverse("requests:holiday-list")).content.decode()
    assert "Our one-off day" in html and "Their one-off day" not in html
    assert "Add a one-off bank holiday" in html and "Remove" in html
    assert "Christmas Day" in html and "The whole UK" in html
    assert "Saint Andrew" in html and "Scotland" in html  # FOI only
    assert "No (freedom of information only)" in html


def test_the_auditor_and_the_siro_read_without_the_form(personas: Personas,
                                                        login: Login) -> None:
    ExtraBankHoliday.objects.create(school=personas.school, day=date(2027, 6, 14),
                                    name="Our one-off day")
    for who in (personas.auditor, personas.siro):
        html = login(who).get(reverse("requests:holiday-list")).content.decode()
        assert "Our one-off day" in html
        assert "Add a one-off bank holiday" not in html and ">Remove<" not in html


def test_adding_through_the_form(personas: Personas, login: Login) -> None:
    client = login(personas.dpo)
    response = client.post(reverse("requests:holiday-add"), {
        "day_0": "14", "day_1": "6", "day_2": "2027", "name": "Coronation day",
        "nations": "england"})
    assert response.status_code == 302
    assert ExtraBankHoliday.objects.get().name == "Coronation day"
    page = client.get(response["Location"]).content.decode()
    assert "Coronation day on 14 June 2027 is added" in page


def test_the_form_names_what_is_wrong(personas: Personas, login: Login) -> None:
    response = login(personas.dpo).post(reverse("requests:holiday-add"), {
        "day_0": "25", "day_1": "12", "day_2": "2026", "name": "", "nations": "england"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "Enter the name of the bank holiday" in form.errors["name"]
    response = login(personas.dpo).post(reverse("requests:holiday-add"), {
        "day_0": "25", "day_1": "12", "day_2": "2026", "name": "Christmas again",
        "nations": "england"})
    assert "already a bank holiday (Christmas Day)" in response.context["form"].errors["day"][0]
    assert not ExtraBankHoliday.objects.exists()


def test_removing_through_the_page(personas: Personas, login: Login) -> None:
    holiday = ExtraBankHoliday.objects.create(school=personas.school, day=date(2027, 6, 14),
                                              name="Our one-off day")
    client = login(personas.dpo)
    response = client.post(reverse("requests:holiday-remove", args=[holiday.pk]))
    assert response.status_code == 302
    assert not ExtraBankHoliday.objects.exists()
    theirs = ExtraBankHoliday.objects.create(school=personas.other_school,
                                             day=date(2027, 6, 14), name="Theirs")
    assert client.post(reverse("requests:holiday-remove", args=[theirs.pk])).status_code == 404
    assert ExtraBankHoliday.objects.filter(pk=theirs.pk).exists()


def test_the_page_s_query_count_does_not_grow(personas: Personas, login: Login,
                                              django_assert_num_queries: Any,
                                              steady_session: None) -> None:
    client = login(personas.dpo)
    url = reverse("requests:holiday-list")

    def grow(start: int, count: int) -> None:
        ExtraBankHoliday.objects.bulk_create(
            ExtraBankHoliday(school=personas.school, name=f"Day {n:02}",
                             day=date(2030, 1, 7) + timedelta(weeks=n))
            for n in range(start, start + count))

    grow(0, 3)
    client.get(url)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    grow(3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Day 39" in html
