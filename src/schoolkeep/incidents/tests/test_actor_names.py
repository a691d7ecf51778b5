"""The incident page names who did things in words, never as the stored code: work done
from the command line is stored as "cli:root" and shown as "Schoolkeep command line (root)"."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.context import audit_context
from schoolkeep.incidents.tests.test_handling_triage import report, triage

Login = Callable[[User], Client]


def test_a_report_triaged_from_the_command_line_names_it_in_words(
        personas: Personas, login: Login) -> None:
    with audit_context(actor_label="cli:root"):
        incident = triage(report(personas), None)
    assert incident.triaged_by_label == "cli:root"
    for who in ("siro", "dpo", "auditor"):
        response = login(personas.users[who]).get(
            reverse("incidents:incident-detail", args=[incident.public_id]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "by Schoolkeep command line (root)" in html, who
        assert "cli:root" not in html, who
