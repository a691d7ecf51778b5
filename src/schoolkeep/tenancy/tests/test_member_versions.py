"""A member's roles carry the membership's version (issue 12, finding 5): when two SIROs
edit one member's roles at once, the second save is refused naming who saved first, and
every change of a membership (roles, leaving, coming back) moves the version on."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from tests.fixtures import opened_version, own_browser
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.lib.errors import StaleVersion
from schoolkeep.tenancy import services
from schoolkeep.tenancy.models import Membership

pytestmark = pytest.mark.django_db




def _membership(personas: Personas, name: str) -> Membership:
    return Membership.objects.get(user=personas.users[name], school=personas.school)


def _roles(membership: Membership) -> set[str]:
    return set(membership.roles.values_list("role", flat=True))




def _second_siro(personas: Personas) -> User:
    """The DPO, made a SIRO too: a school may have several."""
    services.membership_set_roles(membership=_membership(personas, "dpo"),
                                  roles=["dpo", "siro"], actor=personas.siro)
    return personas.dpo


def test_the_second_siro_saving_roles_opened_at_once_is_refused(personas: Personas) -> None:
    other_siro = _second_siro(personas)
    target = _membership(personas, "staff")
    url = reverse("tenancy:member-edit", args=[target.public_id])
    first, second = own_browser(personas.siro), own_browser(other_siro)
    first_version, second_version = opened_version(first, url), opened_version(second, url)

    assert first.post(url, {"version": first_version,
                            "roles": ["staff", "governor"]}).status_code == 302
    response = second.post(url, {"version": second_version,
                                 "roles": ["staff", "data_admin"]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed these roles" in html and str(personas.siro) in html
    # The second SIRO's choice is kept on the form; the first SIRO's roles stand.
    assert re.search(r'value="data_admin" id="id_roles_\d+" checked', html)
    assert not re.search(r'value="governor" id="id_roles_\d+" checked', html)
    assert _roles(target) == {"staff", "governor"}

    # Reopened, the page shows the roles as they stand, and the save goes through.
    assert second.post(url, {"version": opened_version(second, url),
                             "roles": ["staff", "data_admin"]}).status_code == 302
    assert _roles(target) == {"staff", "data_admin"}


def test_a_post_without_the_version_changes_no_role(personas: Personas) -> None:
    target = _membership(personas, "staff")
    url = reverse("tenancy:member-edit", args=[target.public_id])
    response = own_browser(personas.siro).post(url, {"roles": ["staff", "governor"]})
    assert response.status_code == 200
    assert _roles(target) == {"staff"}


def test_every_change_of_a_membership_moves_its_version(personas: Personas) -> None:
    target = _membership(personas, "governor")
    assert target.version == 1
    services.membership_set_roles(membership=target, roles=["governor", "staff"],
                                  actor=personas.siro, version=1)
    target.refresh_from_db()
    assert target.version == 2
    # Saving the roles it already has changes nothing, version included.
    services.membership_set_roles(membership=target, roles=["governor", "staff"],
                                  actor=personas.siro, version=2)
    target.refresh_from_db()
    assert target.version == 2
    with pytest.raises(StaleVersion) as refused:
        services.membership_set_roles(membership=target, roles=["staff"],
                                      actor=personas.siro, version=1)
    assert str(personas.siro) in refused.value.message

    services.membership_deactivate(membership=target, actor=personas.siro)
    target.refresh_from_db()
    assert (target.is_active, target.version) == (False, 3)
    services.membership_create(school=personas.school, user=personas.governor,
                               roles=["governor"], actor=personas.siro)
    target.refresh_from_db()
    assert (target.is_active, target.version) == (True, 4)
    # A roles page opened before the member left is stale after they came back.
    with pytest.raises(StaleVersion):
        services.membership_set_roles(membership=target, roles=["staff"],
                                      actor=personas.siro, version=2)
