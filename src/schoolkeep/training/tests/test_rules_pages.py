"""Pages of the training rules: the status page (numbers, people needing training, the
governor line, the RPA section; members with only their own training sent there), the RPA
page, the training matrix download (rows, audit) and the settings (saved and audited, bad
input named, stale saves refused, read-only roles refused); list pages keep their query
counts at 3 and 40 people."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.training.models import Course, TrainingSettings
from schoolkeep.training.rules import rpa, services
from schoolkeep.training.tests.test_rules_helpers import make_course, make_person, make_record

pytestmark = pytest.mark.django_db

STATUS = reverse("training:status")
SETTINGS = reverse("training:settings")
RPA = reverse("training:rpa")
MATRIX = reverse("training:matrix-export")


def _people(school, start: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """People ``start`` to ``start + count``: every third expired, every third with the
    NCSC's training and its certificate, the rest never trained; some governors."""
    if start == 0:
        make_course(school)
        make_course(school, "NCSC", catalogue_key=rpa.NCSC_KEY)
    cyber = Course.objects.get(school=school, name="Cyber security training")
    ncsc = Course.objects.get(school=school, name="NCSC")
    today = timezone.localdate()
    for n in range(start, start + count):
        person = make_person(school, f"Person {n:02d}", kind="governor" if n % 7 == 3 else
                             "teaching")
        if n % 3 == 0:
            make_record(person, cyber, today - timedelta(days=400))  # expired
        elif n % 3 == 1:
            make_record(person, ncsc, today - timedelta(days=10), certificate=True)


def test_the_status_page_says_where_the_school_stands(login, personas: Personas) -> None:
    school = personas.school
    cyber = make_course(school)
    today = timezone.localdate()
    make_record(make_person(school, "Alice Trained"), cyber, today - timedelta(days=5))
    make_record(make_person(school, "Bob Expired"), cyber, today - timedelta(days=400))
    make_person(school, "Cara Never")
    make_person(school, "Dan Starter", start_date=today - timedelta(days=3))
    page = login(personas.business_manager).get(STATUS).content.decode()
    assert "Not met" in page
    assert "1 of 4 members of staff who use the network is trained" in page
    assert "no governor is trained" in page
    for name in ("Bob Expired", "Cara Never", "Dan Starter"):
        assert name in page
    assert "Alice Trained" not in page
    assert "No governor or trustee is recorded" in page
    assert "not recorded as a member of the RPA" in page
    assert reverse("training:record-create") in page  # the manager's next step


def test_an_expired_record_shows_its_last_valid_day_as_expired_after(
        login, personas: Personas) -> None:
    """valid_until is the last day it counted: the page says "after" it, never "on" it."""
    from dateutil.relativedelta import relativedelta

    from schoolkeep.training.rules.status import expiry

    school = personas.school
    today = timezone.localdate()
    completed = today - timedelta(days=1) - relativedelta(months=12)
    last_day = expiry(completed, 12)
    assert last_day < today
    make_record(make_person(school, "Eve Lapsed"), make_course(school), completed)
    page = login(personas.business_manager).get(STATUS).content.decode()
    assert f"Expired after {last_day.day} {last_day:%B %Y} (its last valid day)" in page
    assert "Expired on" not in page


def test_a_school_with_no_staff_in_scope_says_what_to_do(login, personas: Personas) -> None:
    TrainingSettings.objects.create(school=personas.school, rpa_member=True)
    make_person(personas.school, "Gail Governor", kind="governor", uses_school_network=False)
    page = login(personas.business_manager).get(STATUS).content.decode()
    assert "No staff are marked as using the school's network" in page
    assert "0 of 0" not in page
    assert "No employee or governor is marked as using the school's IT" in page
    assert "All 0" not in page
    assert reverse("people:person-list") in page


def test_whose_training_ends_soon_is_listed_by_name(login, personas: Personas) -> None:
    from schoolkeep.training.rules.status import expiry

    school = personas.school
    today = timezone.localdate()
    cyber = make_course(school)
    soon = today + timedelta(days=10) - timedelta(days=365)
    make_record(make_person(school, "Sam Soon"), cyber, soon)
    make_record(make_person(school, "Tia Trained"), cyber, today - timedelta(days=5))
    page = login(personas.business_manager).get(STATUS).content.decode()
    assert "Training ending within 30 days (1)" in page
    ends = expiry(soon, 12)
    assert "Sam Soon" in page and f"{ends.day} {ends:%B %Y}" in page
    assert "Tia Trained" not in page


def test_members_with_only_their_own_training_go_there(login, personas: Personas) -> None:
    response = login(personas.staff).get(STATUS)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:my-training")


def test_the_auditor_reads_without_actions(login, personas: Personas) -> None:
    make_person(personas.school, "Cara Never")
    page = login(personas.auditor).get(STATUS).content.decode()
    assert "Cara Never" in page
    assert reverse("training:record-create") not in page
    assert SETTINGS not in page
    assert login(personas.auditor).post(SETTINGS, {}).status_code == 403


@pytest.mark.parametrize("url", [STATUS, RPA])
def test_list_pages_keep_their_query_count(login, personas: Personas, steady_session,
                                           django_assert_num_queries, url: str) -> None:
    TrainingSettings.objects.create(school=personas.school, rpa_member=True)
    client = login(personas.siro)
    _people(personas.school, 0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _people(personas.school, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert "Person 39" in response.content.decode()


def test_the_rpa_section_and_page(login, personas: Personas) -> None:
    TrainingSettings.objects.create(school=personas.school, rpa_member=True)
    _people(personas.school, 0, 3)  # Person 01 has the NCSC's training with a certificate
    client = login(personas.dpo)
    status_page = client.get(STATUS).content.decode()
    assert "1 of 3 have completed it with a certificate" in status_page
    page = client.get(RPA).content.decode()
    assert "Completed, with a certificate" in page and "Not completed" in page


def test_the_rpa_page_marks_who_completed_after_the_year_started(
        login, personas: Personas) -> None:
    settings = TrainingSettings.objects.create(school=personas.school, rpa_member=True)
    start = rpa.year_start(settings, timezone.localdate())
    ncsc = make_course(personas.school, "NCSC", catalogue_key=rpa.NCSC_KEY)
    make_record(make_person(personas.school, "Lou Late"), ncsc,
                min(start + timedelta(days=1), timezone.localdate()), certificate=True)
    make_record(make_person(personas.school, "Ola Ontime"), ncsc, start - timedelta(days=1),
                certificate=True)
    page = login(personas.dpo).get(RPA).content.decode()
    assert page.count("Late: completed after the year started") == 1
    late_row = page.split("Lou Late")[1].split("</tr>")[0]
    assert "Late: completed after the year started" in late_row


def test_the_matrix_lists_people_by_course_and_is_audited(login, personas: Personas) -> None:
    school = personas.school
    cyber = make_course(school)
    safeguarding = make_course(school, "Safeguarding", topic="safeguarding")
    today = timezone.localdate()
    ann = make_person(school, "Ann Able")
    make_record(ann, cyber, today - timedelta(days=40))
    make_record(ann, cyber, today - timedelta(days=20))
    make_record(ann, safeguarding, today - timedelta(days=5), withdrawn=True)
    make_person(school, "Ben Bold", kind="governor")
    make_person(school, "Gone Person", leaving_date=today - timedelta(days=2))
    make_person(personas.other_school, "Elsewhere")
    response = login(personas.hr_admin).get(MATRIX)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Name", "Kind", "Uses the network", "Cyber security training (DfE rule)",
                       "Cyber security training", "Safeguarding"]
    assert [row[0] for row in rows[1:]] == ["Ann Able", "Ben Bold"]
    assert rows[1][3] == "Trained" and rows[1][4].date() == today - timedelta(days=20)
    assert rows[1][5] is None  # the withdrawn record is left out
    assert rows[2][3] == "Not trained"
    event = AuditEvent.objects.get(action=services.MATRIX_EXPORTED)
    assert event.school_id == school.pk


def _settings_body(**changes: str) -> dict[str, str]:
    body = {"version": "1", "induction_days": "20", "rpa_member": "on",
            "rpa_year_start_day": "1", "rpa_year_start_month": "9"}
    body.update(changes)
    return body


def test_the_settings_are_saved_and_audited(login, personas: Personas) -> None:
    client = login(personas.business_manager)
    assert client.get(SETTINGS).status_code == 200
    response = client.post(SETTINGS, _settings_body())
    assert response.status_code == 302
    saved = TrainingSettings.objects.get(school=personas.school)
    assert (saved.induction_days, saved.rpa_member, saved.rpa_year_start_month,
            saved.rpa_year_start_day, saved.version) == (20, True, 9, 1, 2)
    event = AuditEvent.objects.get(action=services.SETTINGS_CHANGED)
    assert "induction_days" in str(event.changes)
    # The same form again is stale: nothing is saved, the page says so.
    stale = client.post(SETTINGS, _settings_body(induction_days="40"))
    assert stale.status_code == 200 and "Reload the page" in stale.content.decode()
    assert TrainingSettings.objects.get(school=personas.school).induction_days == 20


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"induction_days": "0"}, "induction_days", ""),
    ({"induction_days": "many"}, "induction_days", ""),
    ({"rpa_year_start_day": "31", "rpa_year_start_month": "4"}, "rpa_year_start_day",
     "April has no day 31"),
    ({"rpa_year_start_month": "13"}, "rpa_year_start_month", ""),
])
def test_bad_settings_name_the_field(login, personas: Personas, changes: dict[str, str],
                                     field: str, words: str) -> None:
    response = login(personas.siro).post(SETTINGS, _settings_body(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if words:
        assert words in " ".join(form.errors[field])
    assert not TrainingSettings.objects.filter(school=personas.school).exists()


@pytest.mark.parametrize("version", [None, "x"])
def test_settings_without_a_usable_version_say_to_reload(login, personas: Personas,
                                                         version: str | None) -> None:
    body = _settings_body()
    if version is None:
        del body["version"]
    else:
        body["version"] = version
    response = login(personas.business_manager).post(SETTINGS, body)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The form was out of date: reload the page" in page
    assert "This field is required." not in page
    assert not TrainingSettings.objects.filter(school=personas.school).exists()


def test_the_matrix_export_costs_the_same_queries_at_3_and_40_people(
        login, personas: Personas, steady_session, django_assert_num_queries) -> None:
    client = login(personas.siro)
    _people(personas.school, 0, 3)
    client.get(MATRIX)
    with CaptureQueriesContext(connection) as few:
        assert client.get(MATRIX).status_code == 200
    _people(personas.school, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(MATRIX)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 41
