"""The handlers' list reads only what it shows (a report's encrypted texts stay unread) and
links each row to its own report."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.incidents import selectors
from schoolkeep.incidents.models import Incident
from schoolkeep.incidents.tests.test_handling_triage import report

Login = Callable[[User], Client]


def test_the_list_leaves_the_reports_texts_unread(personas: Personas) -> None:
    report(personas, title="Laptop left on a train")
    listed = selectors.incident_list(school=personas.school).get()
    unread = listed.get_deferred_fields()
    assert {"description", "reporter_name", "reporter_contact", "lessons_learned"} <= unread
    assert listed.title == "Laptop left on a train"
    assert listed.description == Incident.objects.get(pk=listed.pk).description  # when used


def test_each_row_links_to_its_own_report(personas: Personas, login: Login) -> None:
    made = [report(personas, title=f"Report {n}") for n in range(3)]
    html = login(personas.dpo).get(reverse("incidents:incident-list")).content.decode()
    links = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', html)
    expected = {(reverse("incidents:incident-detail", args=[incident.public_id]),
                 incident.reference) for incident in made}
    assert set(links) == expected
