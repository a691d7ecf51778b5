"""The demo's recovery plan at Larkspur, after its scopes and sets (400) and checks (405),
through the plan's services:

- the plan written in Schoolkeep (who leads, the first hour, working without the systems);
- the usual contacts, IT support's number filled in (a fictional drama number);
- the systems in the order to restore them: the admin network first, then Schoolkeep, the
  cloud systems, the curriculum network, whatever the scopes step recorded;
- a tabletop exercise 360 days ago, so that the next test falls due within the fortnight the
  dashboard looks ahead (``recovery_plan.untested``, due).

Running the step again changes nothing: a school with a plan already is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolkeep.continuity.models import PlanContact, RecoveryPlan, Scope
from schoolkeep.continuity.plan import services
from schoolkeep.demo.builder import DemoContext

SCHOOL = "larkspur"
TESTED_DAYS_AGO = 360
RESTORE_KINDS: list[str] = [
    Scope.Kind.ADMIN_NETWORK, Scope.Kind.SCHOOLKEEP, Scope.Kind.CLOUD_SYSTEM,
    Scope.Kind.CURRICULUM_NETWORK, Scope.Kind.OTHER]

PLAN_TEXT = """Who leads: the headteacher, with the SIRO and the business manager. The IT lead \
runs the technical side with our IT support company.

In the first hour: disconnect the affected computers from the network (unplug the cable, turn \
off wi-fi) but leave them switched on; do not pay any ransom or reply to the attackers; call \
the contacts in the order on the card; write down what happened and when.

Working without the systems: the office keeps the paper registers and the emergency contact \
sheets in the locked cabinet; lessons go on without computers; the business manager tells \
staff by phone and parents through the text-message service.

Getting back: restore the systems in the order the plan gives, from the most recent backup \
that is checked clean; change every password before reconnecting; the DPO decides what to \
tell the ICO and the people affected."""


def build_demo_plan(ctx: DemoContext) -> None:
    school = ctx.schools.get(SCHOOL)
    if school is None:
        return
    existing = RecoveryPlan.objects.filter(school=school).first()
    if existing is not None and (existing.text or existing.document_stored_name):
        return
    services.plan_text_save(school=school, actor=None, text=PLAN_TEXT,
                            version=existing.version if existing else 1)
    services.contacts_add_defaults(school=school, actor=None)
    support = PlanContact.objects.filter(school=school, kind=PlanContact.Kind.IT_SUPPORT).first()
    if support is not None:
        services.contact_update(contact=support, actor=None, version=support.version,
                                name="Hollybrook IT Services (school IT support)",
                                phone="01632 960 418")
    scopes = sorted(Scope.objects.filter(school=school, archived_at__isnull=True),
                    key=lambda s: (RESTORE_KINDS.index(s.kind) if s.kind in RESTORE_KINDS
                                   else len(RESTORE_KINDS), s.name_key))
    services.restore_order_save(school=school, actor=None, orders={
        str(scope.public_id): place for place, scope in enumerate(scopes, start=1)})
    services.plan_test_create(
        school=school, actor=None, kind="tabletop",
        tested_on=timezone.localdate() - timedelta(days=TESTED_DAYS_AGO),
        participants="The headteacher, the SIRO, the business manager, the IT lead and "
                     "Hollybrook IT Services",
        findings="We walked through a ransomware attack found on a Monday morning. The "
                 "paper registers were not where the plan said: moved to the office's "
                 "locked cabinet. Staff did not know whom to call first: the card now "
                 "lists the contacts in order.")
