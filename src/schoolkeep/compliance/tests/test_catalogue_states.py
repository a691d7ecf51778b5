"""The catalogue's mappings give the right answer on real records: a requirement fails only
for what its clause asks (the review of the catalogue, findings 1 to 3).

- an unsigned parent does not make "Staff have signed the AUP" not met;
- "The policy is reviewed by its review date" is the Online Security Policy's alone;
- "Servers ... managed by DBS-checked staff" does not fail on an administrator account
  without two-factor sign-in;
- a laptop late back from loan does not fail the clause on disposing of loaned equipment.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.access.tests.test_access_duties import NOW as ACCESS_NOW
from schoolkeep.access.tests.test_access_duties import account, person, system
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.compliance.models import Control, State
from schoolkeep.compliance.state import engine
from schoolkeep.compliance.state.types import ControlState, RequirementState
from schoolkeep.compliance.tests.state_records import attest
from schoolkeep.equipment.tests.test_loan_records import lend, make_item, make_person
from schoolkeep.overview.tests import records
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db


def control(school: School, code: str, now) -> ControlState:  # type: ignore[no-untyped-def]
    pk = Control.objects.get(code=code, school__isnull=True).pk
    return engine.control_states(school, now=now)[pk]


def requirement(school: School, framework: str, code: str, now) -> RequirementState:  # type: ignore[no-untyped-def]
    state = engine.framework_state(school, framework, now=now)
    assert state is not None
    return next(row for row in state.requirements if row.requirement.code == code)


def test_an_unsigned_parent_does_not_fail_the_staff_control(personas) -> None:  # type: ignore[no-untyped-def]
    school = personas.school
    aups = records.published_aups(school)
    records.sign(aups["staff"], person=records.person(school, "Ann Signer"))
    parent_create(school=school, actor=None, full_name="Pat Parent")
    later = timezone.now() + timedelta(days=20)  # the 14-day signing period is over
    staff = control(school, "aup-staff-signed", later)
    assert staff.state == State.MET, [reason.text for reason in staff.reasons]
    assert requirement(school, "school-policy", "school-policy.aup-staff", later).state == State.MET
    # The parents' own control shows the parent who has not signed.
    assert control(school, "aup-parents-signed", later).state == State.PARTLY
    # A member of staff who has not signed: partly met, by the figure.
    records.person(school, "Bob Unsigned")
    staff = control(school, "aup-staff-signed", later)
    assert staff.state == State.PARTLY
    assert [reason.text for reason in staff.reasons] == [
        "Staff who have signed their acceptable use policy: 1 of 2"]


def online_security(school: School, *, next_review_on: date) -> Policy:
    found = records.policy(school, "Online Security Policy", approved=True,
                           next_review_on=next_review_on)
    Policy.objects.filter(pk=found.pk).update(kind=Policy.Kind.ONLINE_SECURITY)
    return found


def test_the_policy_review_clause_is_about_the_online_security_policy_alone(personas) -> None:  # type: ignore[no-untyped-def]
    school = personas.school
    now = timezone.now()
    today = timezone.localdate()
    code = "school-policy.policy-reviewed"
    # Another policy in date, no Online Security Policy: not a "met".
    records.policy(school, "Child protection", approved=True,
                   next_review_on=today + timedelta(days=200))
    assert requirement(school, "school-policy", code, now).state == State.NOT_ASSESSED
    # The Online Security Policy in date, the uniform policy 30 days overdue: met.
    osp = online_security(school, next_review_on=today + timedelta(days=200))
    records.policy(school, "Uniform", approved=True, next_review_on=today - timedelta(days=30))
    found = requirement(school, "school-policy", code, now)
    assert found.state == State.MET
    assert [c.control.code for c in found.controls] == ["online-security-policy-in-date"]
    # The Online Security Policy past its review date: not met in full, and the reason says so.
    Policy.objects.filter(pk=osp.pk).update(next_review_on=today - timedelta(days=1))
    found = requirement(school, "school-policy", code, now)
    assert found.state == State.PARTLY
    assert [r.text for c in found.controls for r in c.reasons] == [
        "Online Security Policy approved and not past its review date: 0 of 1"]


def test_the_servers_clause_asks_for_dbs_checks_not_two_factor() -> None:
    with time_machine.travel(ACCESS_NOW, tick=False):
        school = SchoolFactory()
        sims = system(school, name="SIMS")
        checked = person(school, dbs=True)
        sims.administrators.add(checked)
        # An administrator account without two-factor: overdue since the day after it was added.
        account(school, sims, person=checked, is_admin=True, mfa_on=False)
        attest(school, Control.objects.get(code="server-room-locked", school__isnull=True),
               ACCESS_NOW.date())
        assert control(school, "admins-dbs-two-factor", ACCESS_NOW).state == State.NOT_MET
        found = requirement(school, "school-policy", "school-policy.servers-locked", ACCESS_NOW)
        assert {c.control.code: c.state for c in found.controls} == {
            "server-room-locked": State.MET, "admins-dbs": State.MET}
        assert found.state == State.MET
        # An administrator without a DBS check does fail it.
        sims.administrators.add(person(school))
        found = requirement(school, "school-policy", "school-policy.servers-locked", ACCESS_NOW)
        assert found.state == State.PARTLY


def test_a_late_loan_does_not_fail_the_clause_on_disposing_of_loaned_equipment(personas) -> None:  # type: ignore[no-untyped-def]
    school = personas.school
    now = timezone.now()
    lend(make_item(school, "HP-0001"), make_person(school, "Ellie Morgan"), days_ago=30,
         due_in=-3)
    assert control(school, "loans-returned", now).state == State.NOT_MET
    found = requirement(school, "school-policy", "school-policy.loaned-equipment-disposal", now)
    assert [c.control.code for c in found.controls] == ["disposals-certified"]
    assert found.state == State.MET
