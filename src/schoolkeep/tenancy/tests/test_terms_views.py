"""The term dates pages: who may read, who may change, what is shown."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from schoolkeep.tenancy.calendar import TermCalendar, TermSource, terms_for
from schoolkeep.tenancy.models import Term, TermHoliday
from schoolkeep.tenancy.services_terms import terms_set_for_year, terms_version

LIST_URL = reverse("tenancy:term-list")
EDIT_URL = reverse("tenancy:term-edit", args=[2026])
ESTIMATED = "Estimated: please check and enter your school&#x27;s dates."

TERMS_2026 = {
    "autumn": (date(2026, 9, 3), date(2026, 12, 17)),
    "spring": (date(2027, 1, 5), date(2027, 3, 25)),
    "summer": (date(2027, 4, 12), date(2027, 7, 21)),
}


@pytest.fixture(autouse=True)
def _autumn_2026():
    with time_machine.travel("2026-11-10 10:00 +0000", tick=False):
        yield


def _boxes(name: str, typed: str) -> dict[str, str]:
    """The Day, Month and Year boxes of a date typed as "2026-10-26" (a text that is not a
    date goes in the Day box, as someone might type it)."""
    try:
        value = date.fromisoformat(typed)
    except ValueError:
        return {f"{name}_0": typed, f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month),
            f"{name}_2": str(value.year)}


def _shows(html: str, name: str, value: date) -> bool:
    return all(f'name="{name}_{index}" value="{part}"' in html
               for index, part in enumerate((value.day, value.month, value.year)))


def _post_data(**overrides: str) -> dict[str, str]:
    typed = {}
    for name, (starts_on, ends_on) in TERMS_2026.items():
        typed[f"{name}_starts_on"] = starts_on.isoformat()
        typed[f"{name}_ends_on"] = ends_on.isoformat()
        for number in (1, 2, 3):
            typed[f"{name}_holiday_{number}_starts_on"] = ""
            typed[f"{name}_holiday_{number}_ends_on"] = ""
    typed["autumn_holiday_1_starts_on"] = "2026-10-26"
    typed["autumn_holiday_1_ends_on"] = "2026-10-30"
    version = overrides.pop("version", "none")
    typed.update(overrides)
    data = {"version": version}
    for name, text in typed.items():
        data.update(_boxes(name, text))
    return data


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_staff_can_read_current_and_next_year_with_their_source(personas, login):
    response = login(personas.staff).get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026/27" in html and "2027/28" in html and "2025/26" not in html
    assert html.count(ESTIMATED) == 2
    assert "Wednesday 2 September 2026" in html  # the default autumn start
    assert EDIT_URL not in html  # staff may not change them


def test_staff_gets_403_editing(personas, login):
    client = login(personas.staff)
    assert client.get(EDIT_URL).status_code == 403
    assert client.post(EDIT_URL, _post_data()).status_code == 403
    assert not Term.objects.filter(school__isnull=False).exists()


@pytest.mark.parametrize("persona", ["trust_admin", "auditor", "governor", "dpo"])
def test_readers_who_may_not_manage_get_403(personas, login, persona):
    client = login(getattr(personas, persona))
    assert client.get(LIST_URL).status_code == 200
    assert client.get(EDIT_URL).status_code == 403
    assert client.post(EDIT_URL, _post_data()).status_code == 403


@pytest.mark.parametrize("persona", ["siro", "business_manager"])
def test_managers_enter_the_schools_dates(personas, login, persona):
    client = login(getattr(personas, persona))
    page = client.get(EDIT_URL)
    assert page.status_code == 200
    # Prefilled with the estimate.
    assert _shows(page.content.decode(), "autumn_starts_on", date(2026, 9, 2))
    response = client.post(EDIT_URL, _post_data())
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    terms = terms_for(personas.school, 2026)
    assert [(t.starts_on, t.ends_on) for t in terms] == list(TERMS_2026.values())
    assert TermCalendar(personas.school).source(2026) is TermSource.SCHOOL
    assert TermHoliday.objects.get(term__school=personas.school).starts_on == date(2026, 10, 26)
    html = client.get(LIST_URL).content.decode()
    assert "Your school&#x27;s own dates." in html
    assert html.count(ESTIMATED) == 1  # 2027/28 is still estimated
    assert "26 October to 30 October 2026" in html


def test_errors_are_shown_in_the_summary_and_nothing_is_saved(personas, login):
    client = login(personas.siro)
    response = client.post(
        EDIT_URL,
        _post_data(
            spring_starts_on="2026-12-10",  # before autumn ends
            summer_holiday_2_starts_on="2027-05-03",  # an end is missing
            autumn_ends_on="not a date",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    # "not a date" in the Day box, the Month and Year empty: the summary links to the
    # first missing box (GOV.UK), the month's.
    assert 'href="#id_autumn_ends_on_1"' in html
    assert 'href="#id_summer_holiday_2_ends_on_0"' in html
    assert not Term.objects.filter(school=personas.school).exists()
    response = client.post(EDIT_URL, _post_data(summer_starts_on="2027-03-20"))
    html = response.content.decode()
    assert 'href="#id_summer_starts_on_0"' in html
    assert "must start after the Spring 2027 term ends (25 March 2027)" in html
    assert not Term.objects.filter(school=personas.school).exists()


def test_holiday_errors_point_at_the_box_the_user_filled(personas, login):
    client = login(personas.siro)
    response = client.post(
        EDIT_URL,
        _post_data(
            autumn_holiday_1_starts_on="",
            autumn_holiday_1_ends_on="",
            autumn_holiday_3_starts_on="2027-01-02",
            autumn_holiday_3_ends_on="2027-01-03",
        ),
    )
    assert response.status_code == 200
    assert 'href="#id_autumn_holiday_3_starts_on_0"' in response.content.decode()


def test_a_stale_form_is_refused_and_shows_the_newer_dates(personas, login):
    client = login(personas.siro)
    terms_set_for_year(
        school=personas.school,
        academic_year=2026,
        terms=TERMS_2026,
        holidays=[],
        actor=personas.business_manager,
    )
    response = client.post(EDIT_URL, _post_data(version="none", autumn_starts_on="2026-09-07"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed these term dates" in html
    assert _shows(html, "autumn_starts_on", date(2026, 9, 3))
    assert Term.objects.get(school=personas.school, name="autumn").starts_on == date(2026, 9, 3)
    version = terms_version(school=personas.school, academic_year=2026)
    assert f'value="{version}"' in html


def test_a_save_without_the_version_it_was_opened_with_saves_nothing(personas, login):
    # The version is required: a post that leaves it out cannot skip the comparison and
    # overwrite dates someone else saved (issue 12, finding 5).
    terms_set_for_year(school=personas.school, academic_year=2026, terms=TERMS_2026,
                       holidays=[], actor=personas.business_manager)
    data = _post_data(autumn_starts_on="2026-09-07")
    del data["version"]
    response = login(personas.siro).post(EDIT_URL, data)
    assert response.status_code == 200
    assert "Reload the page" in response.content.decode()
    assert Term.objects.get(school=personas.school, name="autumn").starts_on == date(2026, 9, 3)


def test_clearing_goes_back_to_the_estimate(personas, login):
    client = login(personas.siro)
    terms_set_for_year(
        school=personas.school,
        academic_year=2026,
        terms=TERMS_2026,
        holidays=[],
        actor=personas.siro,
    )
    assert "Remove our own dates" in client.get(EDIT_URL).content.decode()
    version = terms_version(school=personas.school, academic_year=2026)
    response = client.post(EDIT_URL, {"action": "clear", "version": version})
    assert response.status_code == 302
    assert TermCalendar(personas.school).source(2026) is TermSource.DEFAULT
    assert login(personas.staff).post(EDIT_URL, {"action": "clear"}).status_code == 403


def test_clearing_dates_changed_since_the_page_was_opened_removes_nothing(personas, login):
    client = login(personas.siro)
    terms_set_for_year(school=personas.school, academic_year=2026, terms=TERMS_2026,
                       holidays=[], actor=personas.siro)
    opened = client.get(EDIT_URL).content.decode()
    version = terms_version(school=personas.school, academic_year=2026)
    assert f'name="version" value="{version}"' in opened  # the remove button carries it too
    changed = {**TERMS_2026, "autumn": (date(2026, 9, 7), TERMS_2026["autumn"][1])}
    terms_set_for_year(school=personas.school, academic_year=2026, terms=changed,
                       holidays=[], actor=personas.business_manager)

    for stale in ({"action": "clear", "version": version}, {"action": "clear"}):
        response = client.post(EDIT_URL, stale, follow=True)
        assert "Someone else changed these term dates" in response.content.decode()
        assert TermCalendar(personas.school).source(2026) is TermSource.SCHOOL
    assert Term.objects.get(school=personas.school, name="autumn").starts_on == date(2026, 9, 7)


def test_other_school_cannot_see_our_dates(personas, login):
    terms_set_for_year(
        school=personas.school,
        academic_year=2026,
        terms=TERMS_2026,
        holidays=[],
        actor=personas.siro,
    )
    html = login(personas.outsider).get(LIST_URL).content.decode()
    assert "Thursday 3 September 2026" not in html
    assert html.count(ESTIMATED) == 2


def test_trust_dates_are_shown_as_the_trusts(personas, login):
    trust = personas.school.organisation
    terms_set_for_year(
        organisation=trust, academic_year=2026, terms=TERMS_2026, holidays=[], actor=None
    )
    html = login(personas.staff).get(LIST_URL).content.decode()
    assert f"Dates set by {trust.name}." in html
    assert "Thursday 3 September 2026" in html


def test_year_out_of_range_is_404(personas, login):
    response = login(personas.siro).get(reverse("tenancy:term-edit", args=[1800]))
    assert response.status_code == 404


def test_list_query_count_does_not_grow_with_holidays(personas, login, django_assert_num_queries):
    client = login(personas.staff)
    client.get(LIST_URL)  # saves the estimated rows once

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST_URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    terms_set_for_year(
        school=personas.school,
        academic_year=2026,
        terms=TERMS_2026,
        actor=personas.siro,
        holidays=[("autumn", date(2026, 10, 19 + i), date(2026, 10, 19 + i)) for i in range(3)]
        + [("spring", date(2027, 2, 15 + i), date(2027, 2, 15 + i)) for i in range(3)]
        + [("summer", date(2027, 5, 25 + i), date(2027, 5, 25 + i)) for i in range(3)],
    )
    with django_assert_num_queries(few):
        assert client.get(LIST_URL).status_code == 200
