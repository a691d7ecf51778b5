"""The signed-in report form and its confirmation: who may report, each field's error, times
typed in UK time, the reference on the confirmation page, and the e-mail to the DPO and SIRO
sent only after the report is committed, without its content."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from tests.factories import UserFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.models import Channel, Incident, Status

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # 10:00 GMT on Monday 2 November 2026

FILLED = {"title": "Class list e-mailed to the wrong parent",
          "description": "The Year 4 list with medical notes went to one parent by mistake.",
          "data_involved": "Year 4 class list, SIMS export", "personal_data": "yes"}


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def send(client: Client, **data: Any) -> Any:
    return client.post(reverse("incidents:report"), {**FILLED, **data})


def summary(page: str) -> list[str]:
    """The error summary's entries, as the reader hears them."""
    block = page.split('class="error-summary"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip()
            for item in re.findall(r"<li>(.*?)</li>", block, re.S)]


@pytest.mark.parametrize("persona", ["staff", "governor", "auditor", "dpo", "it_lead"])
def test_every_member_reports_in_one_form_and_sees_the_reference(personas: Personas, login,
                                                                 persona):
    client = login(personas.users[persona])
    form = client.get(reverse("incidents:report"))
    assert form.status_code == 200
    page = form.content.decode()
    # GOV.UK day, month, year, hour and minute boxes, not the browser's own picker.
    assert 'name="occurred_at_0"' in page and 'name="occurred_at_4"' in page
    assert 'type="datetime-local"' not in page and 'name="personal_data"' in page
    response = send(client)
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:report-received",
                                           args=[incident.public_id])
    assert incident.reported_by == personas.users[persona]
    assert (incident.channel, incident.status, incident.personal_data) == (
        Channel.APP, Status.REPORTED, True)
    assert incident.title == FILLED["title"] and incident.description == FILLED["description"]
    assert incident.data_involved == FILLED["data_involved"]
    assert incident.received_at == NOW == incident.aware_at
    confirmation = client.get(response["Location"]).content.decode()
    assert "BR-2026-0001" in confirmation
    assert "The data protection officer (DPO) and the senior information risk owner" in (
        confirmation)
    assert "72 hours" in confirmation and "ICO" in confirmation
    assert reverse("incidents:my-reports") in confirmation
    assert f'href="{reverse("incidents:report")}"' in confirmation  # report another


def test_not_sure_and_no_are_recorded(personas: Personas, login):
    client = login(personas.staff)
    send(client, personal_data="not_sure")
    send(client, personal_data="no")
    assert list(Incident.objects.order_by("reference_number")
                .values_list("personal_data", flat=True)) == [None, False]


def test_an_empty_form_names_each_missing_field(personas: Personas, login):
    response = login(personas.staff).post(reverse("incidents:report"), {})
    assert response.status_code == 200
    assert summary(response.content.decode()) == [
        "A short title: Enter a short title.",
        "What happened: Enter what happened.",
        "Could personal data be involved?: Choose yes, no or not sure: could personal data be "
        "involved?",
    ]
    assert not Incident.objects.exists()


@pytest.mark.parametrize(("data", "expected"), [
    ({"title": "x" * 201}, "A short title: Keep the title to 200 characters or fewer."),
    ({"title": "   "}, "A short title: Enter a short title."),
    ({"description": "x" * 10_001},
     "What happened: Keep what happened to 10,000 characters or fewer."),
    ({"data_involved": "x" * 10_001}, "What data or system is involved, as far as you know: "
                                      "Keep this to 10,000 characters or fewer."),
    ({"personal_data": "maybe"}, "Could personal data be involved?: Select a valid choice. "
                                 "maybe is not one of the available choices."),
    ({"occurred_at": "last Tuesday"},
     "When it happened: When it happened must be a real date and time"),
    ({"occurred_at": "2026-11-02T10:01"},
     "When it happened: When it happened cannot be in the future."),
    ({"discovered_at": "2026-11-03T09:00"},
     "When you found out: When you found out cannot be in the future."),
    ({"occurred_at": "2026-11-01T09:00", "discovered_at": "2026-10-31T09:00"},
     "When you found out: When you found out cannot be before it happened."),
])
def test_each_wrong_field_is_named_and_nothing_is_saved(personas: Personas, login, data,
                                                        expected):
    response = send(login(personas.staff), **data)
    assert response.status_code == 200
    assert summary(response.content.decode()) == [expected]
    assert not Incident.objects.exists()


def test_times_are_read_as_uk_time_and_an_empty_found_out_is_now(personas: Personas, login):
    send(login(personas.staff), occurred_at="2026-07-01T14:30")
    incident = Incident.objects.get()
    assert incident.occurred_at == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)  # BST
    assert incident.discovered_at == NOW


def test_a_skipped_hour_is_refused_on_the_page(personas: Personas, login):
    response = send(login(personas.staff), discovered_at="2026-03-29T01:15")
    assert summary(response.content.decode()) == [
        "When you found out: There was no 01:15 on Sunday 29 March 2026 in UK time: the clocks "
        "went forward from 01:00 to 02:00. Enter when you found out as a time before 01:00 or "
        "from 02:00."]
    assert not Incident.objects.exists()


def test_an_hour_that_happened_twice_is_taken_as_the_first_and_the_page_says_so(
        personas: Personas, login):
    client = login(personas.staff)
    response = send(client, occurred_at="2026-10-25T01:30")
    incident = Incident.objects.get()
    assert incident.occurred_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    page = client.get(response["Location"]).content.decode()
    assert ("01:30 on Sunday 25 October 2026 happened twice in UK time, because the clocks "
            "went back an hour. We recorded when it happened as the first 01:30 (BST, 00:30 "
            "UTC).") in page


def test_the_confirmation_is_the_reporters_only(personas: Personas, login):
    send(login(personas.staff))
    incident = Incident.objects.get()
    url = reverse("incidents:report-received", args=[incident.public_id])
    for persona in ("governor", "dpo", "siro", "auditor", "outsider"):
        assert login(personas.users[persona]).get(url).status_code == 404, persona


def test_a_trust_administrator_cannot_report(personas: Personas, login):
    client = login(personas.trust_admin)
    assert client.get(reverse("incidents:report")).status_code == 403
    assert send(client).status_code == 403
    assert not Incident.objects.exists()


def test_someone_of_no_school_cannot_report(personas: Personas, login):
    client = login(UserFactory(email="nobody@example.com"))
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("tenancy:no-school")
    assert not Incident.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(personas: Personas, client):
    response = send(client)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert not Incident.objects.exists()


def test_the_outsider_reports_to_their_own_school_only(personas: Personas, login):
    send(login(personas.outsider))
    assert Incident.objects.get().school == personas.other_school


def test_the_report_is_audited_without_its_content(personas: Personas, login):
    send(login(personas.staff))
    event = AuditEvent.objects.get(action="incidents.incident.reported")
    text = str(event.changes)
    assert event.actor_id == personas.staff.pk
    assert FILLED["title"] not in text and "medical" not in text


def test_the_dpo_and_siro_are_emailed_after_commit_without_the_content(
        personas: Personas, login, django_capture_on_commit_callbacks, mailoutbox):
    client = login(personas.staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(client)
        assert mailoutbox == []  # nothing before the report is committed
    assert len(callbacks) == 1
    [mail] = mailoutbox
    incident = Incident.objects.get()
    assert sorted(mail.to) == sorted([personas.dpo.email, personas.siro.email])
    assert incident.reference in mail.subject and incident.reference in mail.body
    assert str(incident.public_id) in mail.body
    for secret in (FILLED["title"], FILLED["description"], "Year 4", "medical"):
        assert secret not in mail.subject and secret not in mail.body


def test_a_form_with_errors_sends_no_email(personas: Personas, login,
                                           django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send(login(personas.staff), title="")
    assert callbacks == [] and mailoutbox == []


def test_the_schools_own_instructions_are_shown(personas: Personas, login):
    personas.school.incident_reporting_instructions = "Phone Mrs Khan on extension 204."
    personas.school.save()
    page = login(personas.staff).get(reverse("incidents:report")).content.decode()
    assert "Phone Mrs Khan on extension 204." in page
