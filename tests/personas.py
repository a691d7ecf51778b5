"""One place for the people every test talks about.

A trust with one school ("home") where a member holds each role, a trust administrator,
and an outsider who is SIRO of another school outside the trust. Privileged personas have
TOTP enrolled (a known secret) so they pass the two-factor gate; ``staff`` does not need it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from schoolkeep.accounts.models import User
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import SCHOOL_ROLES, Role
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SchoolFactory,
    UserFactory,
)

TOTP_SECRET = "JBSWY3DPEHPK3PXP"

# persona name -> the school role it holds (None: not a school member)
PERSONA_ROLES: dict[str, Role] = {role.value: role for role in SCHOOL_ROLES}
PERSONA_NAMES = [*PERSONA_ROLES, "trust_admin", "outsider"]


@dataclass
class Personas:
    school: School
    other_school: School  # the outsider's school, outside the trust
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None


def enrol_totp(user: User, secret: str = TOTP_SECRET) -> None:
    TOTP.activate(user, secret)


def build_personas() -> Personas:
    trust = OrganisationFactory(name="Riverside Learning Trust")
    school = SchoolFactory(name="Oakfield Primary", slug="oakfield", organisation=trust)
    other = SchoolFactory(name="Hillside Academy", slug="hillside")
    personas = Personas(school=school, other_school=other)
    for name, role in PERSONA_ROLES.items():
        user = UserFactory(email=f"{name}@oakfield.example", full_name=f"{role.label} Person")
        MembershipFactory(user=user, school=school, roles=[role])
        if role is not Role.STAFF:
            enrol_totp(user)
        personas.users[name] = user
    trust_admin = UserFactory(email="trust_admin@riverside.example", full_name="Trust Admin")
    OrganisationMembershipFactory(user=trust_admin, organisation=trust)
    enrol_totp(trust_admin)
    personas.users["trust_admin"] = trust_admin
    outsider = UserFactory(email="outsider@hillside.example", full_name="Outside Person")
    MembershipFactory(user=outsider, school=other, roles=[Role.SIRO])
    enrol_totp(outsider)
    personas.users["outsider"] = outsider
    return personas


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
