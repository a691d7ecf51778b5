"""The Single Central Record page: rows, states, filters, who is incomplete and why, the
archive of leavers, field visibility per role and a constant number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolkeep.people.models import CheckRule, CheckType, PersonKind
from schoolkeep.people.record.rows import (
    DONE,
    MISSING,
    NOT_REQUIRED,
    PENDING,
    RecordFilters,
    record_rows,
)
from schoolkeep.people.rules.rule_sets import rule_set_for
from schoolkeep.people.rules.services import rules_set_for_school
from schoolkeep.people.services import check_save, person_create
from schoolkeep.tenancy.services import site_create

EMPLOYEE_CHECKS = [CheckType.IDENTITY, CheckType.RIGHT_TO_WORK, CheckType.ENHANCED_DBS,
                   CheckType.BARRED_LIST]
CERTIFICATE = "001234567890"


def person(school, name, kind=PersonKind.SUPPORT, **fields):
    return person_create(school=school, actor=None, full_name=name, kind=kind, **fields)


def done(someone, check_type, **fields):
    return check_save(person=someone, actor=None, check_type=check_type, status="done",
                      done_on=date(2024, 9, 2), **fields)


def complete_employee(school, name, **fields):
    someone = person(school, name, **fields)
    for check_type in EMPLOYEE_CHECKS:
        extra = {}
        if check_type == CheckType.ENHANCED_DBS:
            extra = {"dbs_certificate_number": CERTIFICATE, "checked_by": "Hattie Checker"}
        done(someone, check_type, **extra)
    return someone


def rows_for(school, **filters):
    found = record_rows(school=school, rule_set=rule_set_for(school),
                        filters=RecordFilters(**filters), sensitive=True)
    return {row.person.full_name: row for row in found.rows}


def test_each_check_has_its_state(personas):
    school = personas.school
    complete_employee(school, "Ada Complete")
    partial = person(school, "Bo Partial", kind=PersonKind.TEACHING, does_teaching_work=True)
    done(partial, CheckType.IDENTITY)
    check_save(person=partial, actor=None, check_type=CheckType.ENHANCED_DBS, status="pending")
    rows = rows_for(school)
    ada = {cell.check_type: cell for cell in rows["Ada Complete"].cells}
    assert ada[CheckType.IDENTITY].state == DONE
    assert ada[CheckType.IDENTITY].done_on == date(2024, 9, 2)
    assert ada[CheckType.ENHANCED_DBS].certificate_number == CERTIFICATE
    assert ada[CheckType.PROHIBITION].state == NOT_REQUIRED  # no teaching work
    assert not rows["Ada Complete"].incomplete
    bo = {cell.check_type: cell for cell in rows["Bo Partial"].cells}
    assert bo[CheckType.ENHANCED_DBS].state == PENDING
    assert bo[CheckType.PROHIBITION].state == MISSING  # teaching work needs it
    assert rows["Bo Partial"].missing == [
        "Right to work in the UK", "Enhanced DBS", "Children's barred list",
        "Prohibition from teaching",
    ]


def test_incomplete_filter_lists_only_people_missing_a_check_and_why(personas, login):
    school = personas.school
    complete_employee(school, "Ada Complete")
    missing = complete_employee(school, "Cy Missing", lived_or_worked_abroad=True)
    assert set(rows_for(school, incomplete=True)) == {"Cy Missing"}
    assert rows_for(school, incomplete=True)["Cy Missing"].missing == [
        "Checks for time outside the UK"]
    page = login(personas.siro).get(reverse("people:record"), {"incomplete": "on"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Cy Missing" in html and "Ada Complete" not in html
    assert "Incomplete:</strong> Checks for time outside the UK" in html
    done(missing, CheckType.OVERSEAS)
    assert rows_for(school, incomplete=True) == {}


def test_changing_a_rule_changes_who_is_incomplete(personas):
    school = personas.school
    complete_employee(school, "Ada Complete")
    volunteer = person(school, "Vi Volunteer", kind=PersonKind.VOLUNTEER)
    done(volunteer, CheckType.IDENTITY)
    done(volunteer, CheckType.ENHANCED_DBS)
    assert set(rows_for(school, incomplete=True)) == set()
    # The school now also asks support staff and volunteers for a section 128 check.
    current = rule_set_for(school)
    rules = [(r.check_type, r.person_kind, r.condition) for r in current.rules]
    rules.append((CheckType.SECTION_128, PersonKind.SUPPORT, CheckRule.Condition.ALWAYS))
    rules_set_for_school(school=school, actor=personas.siro, rules=rules)
    assert set(rows_for(school, incomplete=True)) == {"Ada Complete"}
    why = rows_for(school, incomplete=True)["Ada Complete"].missing
    assert why == ["Section 128 direction"]
    # Without the identity rule for volunteers, their identity check shows, not required.
    rules = [r for r in rules if (r[0], r[1]) != (CheckType.IDENTITY, PersonKind.VOLUNTEER)]
    rules_set_for_school(school=school, actor=personas.siro, rules=rules)
    cells = {c.check_type: c for c in rows_for(school)["Vi Volunteer"].cells}
    assert cells[CheckType.IDENTITY].state == DONE  # done, though no longer required
    assert not cells[CheckType.IDENTITY].required


def test_kind_and_site_filters(personas, login):
    school = personas.school
    north = site_create(school=school, name="North site")
    complete_employee(school, "Ada Support", sites=[north])
    person(school, "Gil Governor", kind=PersonKind.GOVERNOR)
    assert set(rows_for(school, kind=PersonKind.GOVERNOR)) == {"Gil Governor"}
    assert set(rows_for(school, site=north)) == {"Ada Support"}
    client = login(personas.siro)
    html = client.get(reverse("people:record"), {"site": str(north.public_id)}).content.decode()
    assert "Ada Support" in html and "Gil Governor" not in html
    html = client.get(reverse("people:record"), {"kind": "governor"}).content.decode()
    assert "Gil Governor" in html and "Ada Support" not in html


def test_leavers_leave_on_their_leaving_date_and_stay_in_the_archive(personas, login):
    school = personas.school
    today = timezone.localdate()
    person(school, "Len Leaving Tomorrow", start_date=date(2020, 1, 6),
           leaving_date=today + timedelta(days=1))
    person(school, "Lee Left Today", start_date=date(2020, 1, 6), leaving_date=today)
    person(school, "Old Leaver", start_date=date(2001, 1, 8), leaving_date=date(2010, 7, 20))
    assert set(rows_for(school)) == {"Len Leaving Tomorrow"}
    assert set(rows_for(school, archive=True)) == {"Lee Left Today"}
    page = login(personas.siro).get(reverse("people:record-archive"))
    html = page.content.decode()
    assert "Lee Left Today" in html and "Len Leaving Tomorrow" not in html
    assert "Old Leaver" not in html  # beyond the six years the school keeps leavers
    assert "Leaving date" in html


@pytest.mark.parametrize("name", ["siro", "hr_admin", "dsl", "auditor"])
def test_sensitive_roles_see_certificate_numbers_and_who_checked(personas, login, name):
    complete_employee(personas.school, "Ada Complete")
    page = login(getattr(personas, name)).get(reverse("people:record"))
    html = page.content.decode()
    assert page.status_code == 200
    assert CERTIFICATE in html and "Hattie Checker" in html


def test_trust_admin_sees_checks_without_certificate_numbers(personas, login):
    complete_employee(personas.school, "Ada Complete")
    page = login(personas.trust_admin).get(reverse("people:record"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Ada Complete" in html and "2 Sep 2024" in html
    assert CERTIFICATE not in html and "Hattie Checker" not in html


@pytest.mark.parametrize("name", ["business_manager", "staff", "governor", "dpo", "it_lead"])
def test_roles_without_the_record_get_403(personas, login, name):
    complete_employee(personas.school, "Ada Complete")
    client = login(getattr(personas, name))
    assert client.get(reverse("people:record")).status_code == 403
    assert client.get(reverse("people:record-archive")).status_code == 403


def test_another_schools_people_never_show(personas, login):
    complete_employee(personas.other_school, "Hal Hillside")
    html = login(personas.siro).get(reverse("people:record")).content.decode()
    assert "Hal Hillside" not in html


def test_the_page_is_printable_without_inline_styles(personas, login):
    complete_employee(personas.school, "Ada Complete")
    html = login(personas.siro).get(reverse("people:record")).content.decode()
    assert "people/record.css" in html
    assert "style=" not in html and "<style" not in html


def _fill(school, start, count):
    for n in range(start, start + count):
        someone = person(school, f"Person {n:03d}", kind=PersonKind.TEACHING,
                         does_teaching_work=n % 2 == 0)
        done(someone, CheckType.IDENTITY, checked_by="Office")
        done(someone, CheckType.ENHANCED_DBS, dbs_certificate_number=f"0012{n:08d}")


@pytest.mark.parametrize("name", ["siro", "trust_admin"])
def test_query_count_is_the_same_for_3_and_40_people(personas, login, name,
                                                      django_assert_num_queries,
                                                      steady_session):
    school = personas.school
    site_create(school=school, name="Main site")
    client = login(getattr(personas, name))
    url = reverse("people:record")
    _fill(school, 0, 3)
    client.get(url)  # warm: session, caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(school, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("Person 0") == 40
    filters = {"incomplete": "on", "kind": "teaching"}
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, filters)
    _fill(school, 40, 10)
    with django_assert_num_queries(len(filtered)):
        client.get(url, filters)


def test_pages_of_fifty(personas, login):
    _fill(personas.school, 0, 55)
    client = login(personas.siro)
    first = client.get(reverse("people:record")).content.decode()
    assert first.count("Person 0") == 50
    assert "Page 1 of 2" in first
    second = client.get(reverse("people:record"), {"page": 2}).content.decode()
    assert second.count("Person 0") == 5


def test_the_archive_keeps_leavers_for_the_schedules_period(personas, login):
    from schoolkeep.privacy.schedule import keys
    from schoolkeep.privacy.schedule.selectors import effective_record_type
    from schoolkeep.privacy.schedule.services import record_type_adjust

    school = personas.school
    today = timezone.localdate()
    person(school, "Four Years Gone", start_date=date(2015, 1, 6),
           leaving_date=today - timedelta(days=4 * 366))
    assert set(rows_for(school, archive=True)) == {"Four Years Gone"}
    html = login(personas.siro).get(reverse("people:record-archive")).content.decode()
    assert "6 years after leaving" in html
    record_type_adjust(school=school, actor=None, version=1, years=3,
                       record_type=effective_record_type(school, keys.OWN_LEAVERS))
    assert set(rows_for(school, archive=True)) == set()
    html = login(personas.siro).get(reverse("people:record-archive")).content.decode()
    assert "3 years after leaving" in html and "Four Years Gone" not in html
