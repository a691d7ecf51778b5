"""Two handlers opening one decision at once (issue 12, finding 5): the second save is
refused, naming who saved first and when, and the first decision stands."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse
from tests.fixtures import opened_version, own_browser
from tests.personas import Personas

from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.models import Decision
from schoolkeep.incidents.tests.test_handling_triage import assess, report, triage
from schoolkeep.lib.errors import StaleVersion

pytestmark = pytest.mark.django_db

AWARE = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)




def test_the_second_save_of_a_decision_opened_at_once_is_refused(
        personas: Personas) -> None:
    with time_machine.travel(AWARE, tick=False):
        incident = assess(triage(report(personas), personas.siro), personas.dpo, 1, 1)
    url = reverse("incidents:decision-edit", args=[incident.public_id, "ico"])
    siro, dpo = own_browser(personas.siro), own_browser(personas.dpo)
    siro_version, dpo_version = opened_version(siro, url), opened_version(dpo, url)

    first = dpo.post(url, {"version": dpo_version, "tell": "sent", "reason": "DPO: report it",
                           "told_at": "2026-03-27T15:00", "ico_reference": "IC-1"})
    assert first.status_code == 302
    second = siro.post(url, {"version": siro_version, "tell": "no",
                             "reason": "SIRO: no need"})
    html = second.content.decode()
    assert second.status_code == 200
    assert "while you were working on it" in html and str(personas.dpo) in html
    assert "SIRO: no need" in html  # what the SIRO typed is kept on the form
    decision = Decision.objects.get(incident=incident, kind=Decision.Kind.ICO)
    assert decision.tell and decision.reason == "DPO: report it" and decision.version == 1


def test_changing_a_recorded_decision_needs_its_current_version(personas: Personas) -> None:
    with time_machine.travel(AWARE, tick=False):
        incident = assess(triage(report(personas), personas.siro), personas.dpo, 1, 1)
    fields = {"incident": incident, "kind": Decision.Kind.POLICE, "tell": False}
    decision_record(actor=personas.dpo, reason="First", version=0, **fields)
    with pytest.raises(StaleVersion):  # opened before the first was recorded
        decision_record(actor=personas.siro, reason="Second", version=0, **fields)
    changed = decision_record(actor=personas.siro, reason="Second", version=1, **fields)
    assert changed.version == 2 and changed.reason == "Second"
    with pytest.raises(StaleVersion):
        decision_record(actor=personas.dpo, reason="Third", version=1, **fields)
