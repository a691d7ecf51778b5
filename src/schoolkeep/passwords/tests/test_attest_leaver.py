"""A leaver's forced change of a shared account: only someone other than the leaver settles
it, and only with a change made on or after the leaving date (review15 #1, #2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.passwords.services import password_change_record
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _shared(school, system, *, leaver, others, due_on):
    from schoolkeep.access.models import SystemAccount

    account = SystemAccount.objects.create(school=school, system=system, username="office",
                                           username_key="office", is_shared=True,
                                           responsible_person=others[0])
    account.shared_with.set([leaver, *others])
    return ForcedChange.objects.create(
        school=school, system=system, reason="leaver", raised_at=timezone.now()
        - timedelta(days=20), due_on=due_on, account=account, leaver=leaver,
        raised_by_label="Schoolkeep")


def test_the_leaver_cannot_settle_their_own_forced_change(personas):
    school = personas.school
    sims = rec.system(school)
    leaver = rec.person(school, "Peter Gray")
    grace = rec.person(school, "Grace Adeyemi")
    forced = _shared(school, sims, leaver=leaver, others=[grace], due_on=TODAY())
    # The leaver holds no cycle: the shared account alone does not let them attest.
    with pytest.raises(DomainError, match="does not hold a password cycle"):
        password_change_record(school=school, system=sims, person=leaver, changed_on=TODAY(),
                               via="on_behalf", actor=personas.it_lead)
    # Holding a cycle, the leaver's own change is recorded but settles nothing.
    rec.cycle(school, sims, holders=[leaver], cadence="every_n_days", every_days=90)
    password_change_record(school=school, system=sims, person=leaver, changed_on=TODAY(),
                           via="on_behalf", actor=personas.it_lead)
    forced.refresh_from_db()
    assert forced.settled_at is None
    assert not AuditEvent.objects.filter(action="passwords.forced.settled").exists()


def test_a_change_before_the_leaving_date_does_not_settle_it(personas):
    school = personas.school
    sims = rec.system(school)
    leaver = rec.person(school, "Peter Gray")
    grace = rec.person(school, "Grace Adeyemi")
    forced = _shared(school, sims, leaver=leaver, others=[grace],
                     due_on=TODAY() - timedelta(days=5))
    # Changed after the change was raised but before the leaving date: the leaver may know it.
    password_change_record(school=school, system=sims, person=grace,
                           changed_on=TODAY() - timedelta(days=10), via="on_behalf",
                           actor=personas.it_lead)
    forced.refresh_from_db()
    assert forced.settled_at is None
    # On the leaving date it counts.
    password_change_record(school=school, system=sims, person=grace,
                           changed_on=TODAY() - timedelta(days=5), via="on_behalf",
                           actor=personas.it_lead)
    forced.refresh_from_db()
    assert forced.settled_at is not None
    assert AuditEvent.objects.filter(action="passwords.forced.settled").count() == 1
