# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the forced password changes (passwords/events/urls.py) and the
public page of a personal password-change link (passwords/reminders/urls.py).

Marking a system as possibly compromised needs passwords.manage (SIRO, IT lead); the
outsider, SIRO of another school, gets 404 for this school's system. A forced change's page
is open to whoever may see the password cycles (passwords.view) and to the people it asks
(the staff persona and the auditor hold the SIMS cycle). The POST records the auditor's
change: the managers (SIRO, IT lead) may (302, rolled back); the staff persona may record
only their own, so the form comes back (200); the auditor, though asked, is read-only and
gets 403 like everyone else, and nothing is written. The personal link needs no sign-in: everyone gets the same 200 for a ready link (the
POST records the change, rolled back after each row); anything longer is a quiet 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.passwords.events.services import forced_change_compromise
from schoolkeep.passwords.reminders.links import link_issue
from schoolkeep.passwords.tests import cycle_records as rec
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    school = personas.school
    system = rec.system(school, "Matrix SIMS")
    staff = rec.person(school, "Matrix Staff Holder", user=personas.staff)
    holder = rec.person(school, "Matrix Link Holder")
    auditor = rec.person(school, "Matrix Auditor Holder", user=personas.auditor)
    rec.cycle(school, system, holders=[staff, holder, auditor], cadence="yearly",
              starts_on=timezone.localdate() - timedelta(days=30))
    forced = forced_change_compromise(school=school, system=system, actor=personas.siro)
    _link, token = link_issue(school=school, system=system, person=holder)
    return {"events_system": str(system.public_id), "events_forced": str(forced.public_id),
            "events_token": token, "events_auditor": str(auditor.public_id)}


URL_ARGUMENTS = {
    "passwords:system-compromised": lambda t: {"public_id": t.extra["events_system"]},
    "passwords:forced-change": lambda t: {"public_id": t.extra["events_forced"]},
    "passwords:link": lambda t: {"token": t.extra["events_token"]},
    "passwords:link-not-found": lambda t: {"rest": f"{t.extra['events_token']}/anything"},
}

# The auditor's own change, as the auditor (asked, but read-only) would post it.
FORM_BODIES: dict[tuple[str, str], Any] = {
    ("passwords:forced-change", "POST"): lambda t: {"person": t.extra["events_auditor"]},
}

#                                                    anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("passwords:system-compromised", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 404",
    ("passwords:system-compromised", "POST"): "302 302 403 403 403 302 403 403 403 403 403 403 403 404",
    ("passwords:forced-change", "GET"): "302 200 200 403 200 200 403 403 403 200 403 200 200 404",
    ("passwords:forced-change", "POST"): "302 302 403 403 403 302 403 403 403 200 403 403 403 404",
    ("passwords:link", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("passwords:link", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("passwords:link-not-found", "GET"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("passwords:link-not-found", "POST"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
}
