"""The demo's incident log at Larkspur, written through the incidents services.

Four reports, as a school would find them on an ordinary fortnight:

- a closed personal data breach from last week, reported to the ICO within its 72 hours:
  a printed class list left on a bus; the pupils' parents were told; the overview's breaches
  chart counts it (1 of 1 in time);
- an open personal data breach whose 72-hour clock is running: a teacher e-mailed a class's
  reading assessment spreadsheet to the wrong parent; the school became aware of it about 30
  hours before the demo was built; the DPO has triaged it and assessed it as a risk
  (possible x significant = 4: tell the ICO), with a containment action for the IT lead,
  and nobody has yet recorded the ICO decision, so the dashboard shows the decision due and
  the breach page counts down;
- a closed near miss from earlier the same day: an unlocked laptop in the library, noticed
  before anyone used it, its action done and its lessons recorded;
- a report waiting for triage: a phishing e-mail reported by a governor.

It also gives the key contacts page the DPO's and the SIRO's telephone numbers.

The reports name no child. Their narratives are encrypted like every other report's.
Like the rest of the demo, everything is written as the command line (no signed-in actor),
so the audit trail names the demo command; who reported each one is recorded as the
reporter's name, as on the no-login page.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext, register_step
from schoolkeep.incidents.handling.actions import action_add, action_mark_done
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.services import incident_close, incident_record_lessons
from schoolkeep.incidents.handling.triage import incident_assess_risk, incident_triage
from schoolkeep.incidents.models import (
    Channel,
    DataCategory,
    Decision,
    Incident,
    Kind,
    PeopleCategory,
)
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.systems.models import System
from schoolkeep.tenancy.contacts import school_update_contacts

# How long before the demo is built the school became aware of the open breach.
BREACH_AWARE_HOURS = 30
# How long before the demo is built the school became aware of the settled breach, and how
# many hours after that its report reached the ICO (within the 72).
SETTLED_AWARE_DAYS = 9
SETTLED_TOLD_HOURS = 50
SETTLED_TITLE = "Printed class list left on the school bus"
BREACH_TITLE = "Reading assessment spreadsheet e-mailed to the wrong parent"
NEAR_MISS_TITLE = "Unlocked laptop left in the library"
WAITING_TITLE = "Phishing e-mail asking for the SIMS password"


def _name(ctx: DemoContext, key: str) -> str:
    return ctx.users[key].full_name


def _open_breach(ctx: DemoContext) -> Incident:
    school = ctx.schools["larkspur"]
    now = timezone.now()
    aware = now - timedelta(hours=BREACH_AWARE_HOURS)
    incident, _ = incident_report(
        school=school, actor=None, channel=Channel.APP, title=BREACH_TITLE,
        description=("I meant to send the Year 5 reading assessment spreadsheet to our "
                     "literacy lead, but the address filled in was a parent's with a similar "
                     "name. It lists 28 pupils' names, classes and reading scores. I have "
                     "asked the parent to delete it."),
        data_involved="A spreadsheet exported from SIMS: names, classes, reading scores.",
        occurred_at=aware - timedelta(minutes=40), discovered_at=aware - timedelta(minutes=10),
        aware_at=aware, personal_data=True,
        reporter_name=_name(ctx, "larkspur.staff"),
    )
    incident = incident_triage(
        incident=incident, actor=None, version=incident.version, kind=Kind.BREACH,
        breach_confidentiality=True, is_cyber=False, people_affected=28, records_affected=28,
        people_categories=[PeopleCategory.PUPILS], children_or_vulnerable=True,
        data_categories=[DataCategory.BASIC_IDENTIFIERS, DataCategory.OTHER],
        data_categories_other="Reading assessment scores",
        systems=list(System.objects.filter(school=school, catalogue_key="sims")),
    )
    incident = incident_assess_risk(
        incident=incident, actor=None, version=incident.version, likelihood=2,
        likelihood_rationale=("One parent received it and has said they deleted it; we have "
                              "not yet had that in writing."),
        severity=2,
        severity_rationale=("Children's names with their attainment: upsetting and possibly "
                            "embarrassing for them, though not special-category data."),
    )
    action_add(incident=incident, actor=None, kind="containment",
               description=("Ask the parent to confirm in writing that the e-mail and the "
                            "spreadsheet are deleted, and recall the message."),
               owner=ctx.users["larkspur.siro"], due_on=timezone.localdate(now))
    return incident


def _settled_breach(ctx: DemoContext) -> Incident:
    school = ctx.schools["larkspur"]
    now = timezone.now()
    aware = now - timedelta(days=SETTLED_AWARE_DAYS)
    told = aware + timedelta(hours=SETTLED_TOLD_HOURS)
    incident, _ = incident_report(
        school=school, actor=None, channel=Channel.APP, title=SETTLED_TITLE,
        description=("A printed list of Year 3 with pupils' names, dates of birth and "
                     "medical notes was left on the school bus after a trip. The bus company "
                     "found it the next morning and returned it."),
        data_involved="A paper class list: names, dates of birth, medical notes.",
        occurred_at=aware - timedelta(hours=16), aware_at=aware, personal_data=True,
        reporter_name=_name(ctx, "larkspur.staff"),
    )
    incident = incident_triage(
        incident=incident, actor=None, version=incident.version, kind=Kind.BREACH,
        breach_confidentiality=True, is_cyber=False, people_affected=24, records_affected=24,
        people_categories=[PeopleCategory.PUPILS], children_or_vulnerable=True,
        data_categories=[DataCategory.BASIC_IDENTIFIERS, DataCategory.HEALTH],
        systems=[],
    )
    incident = incident_assess_risk(
        incident=incident, actor=None, version=incident.version, likelihood=2,
        likelihood_rationale=("The list was out of our hands overnight on a public bus; we "
                              "cannot tell who read it."),
        severity=2,
        severity_rationale="Children's medical notes are special-category data.",
    )
    decision_record(incident=incident, actor=None, kind=Decision.Kind.ICO, tell=True,
                    reason="A risk to the children: the ICO must be told.", told_at=told,
                    ico_reference="IC-DEMO-0001")
    decision_record(incident=incident, actor=None, kind=Decision.Kind.PEOPLE, tell=True,
                    reason="Their parents should know what was lost and that it is back.",
                    told_at=told, method="A letter home, and a call to each family")
    incident.refresh_from_db()
    incident = incident_record_lessons(
        incident=incident, actor=None, version=incident.version,
        lessons_learned=("Trip lists now go in the first aid bag, which the trip leader "
                         "signs back in."))
    return incident_close(incident=incident, actor=None, version=incident.version)


def _closed_near_miss(ctx: DemoContext) -> Incident:
    school = ctx.schools["larkspur"]
    siro = ctx.users["larkspur.siro"]
    now = timezone.now()
    incident, _ = incident_report(
        school=school, actor=None, channel=Channel.APP,
        title=NEAR_MISS_TITLE,
        description=("A staff laptop was left signed in and unlocked on a library table at "
                     "lunchtime. I found it within a few minutes; no pupil had used it."),
        data_involved="A teacher's laptop signed in to the school network.",
        occurred_at=now - timedelta(hours=6), aware_at=now - timedelta(hours=5, minutes=50),
        personal_data=False, reporter_name=_name(ctx, "larkspur.dsl"),
    )
    incident = incident_triage(incident=incident, actor=None, version=incident.version,
                               kind=Kind.NEAR_MISS, is_cyber=False)
    action = action_add(incident=incident, actor=None, kind="remedial",
                        description="Set every staff laptop to lock after five idle minutes.",
                        owner=siro, due_on=timezone.localdate(now))
    action_mark_done(action=action, actor=None, version=action.version)
    incident.refresh_from_db()
    incident = incident_record_lessons(
        incident=incident, actor=None, version=incident.version,
        lessons_learned=("Screens now lock by themselves; the autumn training reminds staff "
                         "to lock them (Windows key + L) whenever they step away."))
    return incident_close(incident=incident, actor=None, version=incident.version)


def _waiting_for_triage(ctx: DemoContext) -> Incident:
    now = timezone.now()
    incident, _ = incident_report(
        school=ctx.schools["larkspur"], actor=None,
        channel=Channel.APP, title=WAITING_TITLE,
        description=("An e-mail that looked as if it came from the school office asked me to "
                     "confirm my SIMS password through a link. I did not click it."),
        discovered_at=now - timedelta(hours=2), personal_data=None,
        reporter_name=_name(ctx, "larkspur.governor"),
    )
    return incident


def _contact_numbers(ctx: DemoContext) -> None:
    """Whom to ring, on the key contacts page (numbers from Ofcom's range kept for drama)."""
    school = ctx.schools["larkspur"]
    school.refresh_from_db()
    school_update_contacts(
        school=school, actor=None, version=school.version, dpo_phone="01632 960 417",
        siro_phone="01632 960 102",
        contact_hours=("School days, 8am to 5pm. Out of hours, ring the SIRO's number: it "
                       "forwards to the headteacher's mobile."))


def build_demo_incidents(ctx: DemoContext) -> None:
    _contact_numbers(ctx)
    _settled_breach(ctx)
    _closed_near_miss(ctx)
    _open_breach(ctx)
    _waiting_for_triage(ctx)


def register() -> None:
    """Called by the app's ready(): after the agreements' steps."""
    register_step("incidents", build_demo_incidents, order=500)
