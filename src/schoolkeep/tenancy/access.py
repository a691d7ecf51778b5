"""What the current user may do in the current school, resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import READ_ONLY_ROLES, Role, requires_mfa, roles_allow


@dataclass(frozen=True)
class SchoolAccess:
    school: School
    roles: frozenset[str]
    via_trust: bool = False  # True when the access comes only from the trust
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def can(self, permission: str) -> bool:
        return roles_allow(self.roles, permission)

    @property
    def read_only(self) -> bool:
        return self.roles <= READ_ONLY_ROLES

    @property
    def is_trust_admin(self) -> bool:
        return Role.TRUST_ADMIN in self.roles

    @property
    def needs_mfa(self) -> bool:
        return requires_mfa(self.roles, school_requires_all=self.school.require_mfa_for_all)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role if role in self.roles]
