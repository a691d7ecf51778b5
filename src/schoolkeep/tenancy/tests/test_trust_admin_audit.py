"""Trust-level writes in tenancy are audited in every school they reach (issue 12, finding
1, the same class): making someone a trust administrator gives them read access to every
school of the trust, so each school's own trail and export shows it."""

from __future__ import annotations

import pytest
from tests.factories import OrganisationFactory, SchoolFactory, UserFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import chain_for, target_key
from schoolkeep.tenancy import services
from schoolkeep.tenancy.models import OrganisationMembership

pytestmark = pytest.mark.django_db


def test_a_new_trust_administrator_is_in_every_schools_trail(personas: Personas) -> None:
    trust = personas.school.organisation
    second = SchoolFactory(name="Brook Primary", slug="brook", organisation=trust)
    newcomer = UserFactory(email="new.admin@riverside.example")

    created = services.organisation_membership_create(organisation=trust, user=newcomer,
                                                      actor=None)

    events = AuditEvent.objects.filter(action="tenancy.organisation_membership.created",
                                       target_id=target_key(created)[1]).order_by("school_id")
    assert {event.school_id for event in events} == {personas.school.pk, second.pk}
    for event in events:
        assert event.chain == chain_for(event.school_id)
        assert event.changes["user"] == {"before": None, "after": newcomer.email}
        assert trust.name in event.target_label
    # Not in the school outside the trust, nor school-less.
    assert not AuditEvent.objects.filter(action__startswith="tenancy.organisation_membership",
                                         school__isnull=True).exists()
    assert not AuditEvent.objects.filter(school=personas.other_school,
                                         action__startswith="tenancy.organisation").exists()


def test_a_trust_administrator_brought_back_is_in_every_schools_trail(
        personas: Personas) -> None:
    trust = personas.school.organisation
    membership = OrganisationMembership.objects.get(user=personas.trust_admin)
    OrganisationMembership.objects.filter(pk=membership.pk).update(is_active=False)

    services.organisation_membership_create(organisation=trust, user=personas.trust_admin)

    (event,) = AuditEvent.objects.filter(action="tenancy.organisation_membership.reactivated")
    assert event.school_id == personas.school.pk
    assert event.changes["is_active"] == {"before": False, "after": True}


def test_a_trust_without_schools_still_records_it() -> None:
    trust = OrganisationFactory(name="Empty Trust")
    services.organisation_membership_create(organisation=trust, user=UserFactory())
    (event,) = AuditEvent.objects.filter(action="tenancy.organisation_membership.created")
    assert event.school_id is None
