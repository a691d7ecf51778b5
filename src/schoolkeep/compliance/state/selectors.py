"""Reading a school's controls and who owns each.

A school's controls are the built-in ones (``school`` NULL) and its own, neither archived,
each with the school's ``ControlSetting`` (owner, cadence) when it has one: two queries
whatever their number (``school_controls``).

Owner of a control (common18): the school's ``ControlSetting.owner`` while that person is an
active member holding a role that may confirm controls (``compliance.attest``); else the
active holders of ``control.owner_role``; else the SIRO(s). The same rule as
``duties.selectors.resolve_owners``, so a control's duties fall to the person its page
names. ``school_people`` reads what the rule needs in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q
from django.http import Http404

from schoolkeep.compliance.models import Control, ControlSetting
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import Membership, School
from schoolkeep.tenancy.roles import PERMISSIONS, Role, role_label

ATTEST = "compliance.attest"
MANAGE = "compliance.manage"


def attest_roles() -> list[str]:
    """The roles whose holders may confirm a control, and so own one (every school role but
    the read-only auditor)."""
    return sorted(PERMISSIONS[ATTEST][1])

SETTINGS_ATTR = "school_settings"
NAMELESS = "A member of staff"  # an active member with neither a name nor a role


def _controls(school: School, *, archived: bool = False) -> Any:
    settings = ControlSetting.objects.filter(school=school).select_related("owner")
    queryset = Control.objects.filter(Q(school__isnull=True) | Q(school=school))
    if not archived:
        queryset = queryset.filter(archived_at__isnull=True)
    return queryset.prefetch_related(
        Prefetch("settings", queryset=settings, to_attr=SETTINGS_ATTR)
    ).order_by("order", "title", "pk")


def school_controls(school: School) -> list[Control]:
    """Every control of the school (built in, and its own), not archived, in order, each
    with its setting loaded (``setting_of``): two queries."""
    return list(_controls(school))


def control_for_school_or_404(school: School, public_id: UUID | str, *,
                              archived: bool = False) -> Control:
    """One of the school's controls (built in, or its own) with its setting loaded; another
    school's control, an unknown one or (unless ``archived``) an archived one: 404."""
    try:
        return _controls(school, archived=archived).get(public_id=public_id)
    except (Control.DoesNotExist, ValueError) as exc:
        raise Http404("No such control") from exc


def setting_of(control: Control) -> ControlSetting | None:
    """The school's setting of a control read by ``school_controls`` (None: none)."""
    found = getattr(control, SETTINGS_ATTR, None)
    if found is None:
        return None
    return found[0] if found else None


def effective_cadence(control: Control, setting: ControlSetting | None) -> tuple[str, int | None]:
    """(cadence, every_days) of an attested control: the school's choice when it made one,
    else the control's own."""
    if setting is not None and setting.cadence:
        every = setting.every_days if setting.cadence == Control.Cadence.EVERY_N_DAYS else None
        return setting.cadence, every or control.every_days
    return control.cadence, control.every_days


def cadence_label(cadence: str, every_days: int | None) -> str:
    """"Once a term", "Once a year", "Every 30 days"."""
    if cadence == Control.Cadence.EVERY_N_DAYS:
        return f"Every {every_days} days" if every_days else "Every so many days"
    try:
        return str(Control.Cadence(cadence).label)
    except ValueError:
        return ""


@dataclass(frozen=True)
class People:
    """The school's active members (with an account) and the roles they hold."""

    school_id: int
    names: dict[int, str] = field(default_factory=dict)  # user id: name
    holders: dict[str, tuple[int, ...]] = field(default_factory=dict)  # role: user ids

    def holders_by_school(self) -> dict[tuple[int, str], list[int]]:
        """The shape of ``tenancy.selectors.user_ids_by_role``, for a ``DutyReader``."""
        return {(self.school_id, role): list(ids) for role, ids in self.holders.items()}

    def names_of(self, user_ids: tuple[int, ...]) -> str:
        return ", ".join(self.names[user_id] for user_id in user_ids)

    def may_own(self, user_id: int) -> bool:
        """Whether this active member holds a role that may confirm controls."""
        return any(user_id in self.holders.get(role, ()) for role in attest_roles())


def school_people(school: School | int) -> People:
    """The school's active members and their roles, in one query. A member is named by their
    full name, else by the title of their first role (never by their e-mail address)."""
    school_id: int = school if isinstance(school, int) else school.pk
    rows = (Membership.objects
            .filter(school_id=school_id, is_active=True, user__is_active=True)
            .order_by("user__full_name", "user_id")
            .values_list("user_id", "user__full_name", "roles__role"))
    names: dict[int, str] = {}
    holders: dict[str, list[int]] = {}
    for user_id, full_name, role in rows:
        if full_name:
            names[user_id] = full_name
        elif role and (user_id not in names or names[user_id] == NAMELESS):
            names[user_id] = f"The {role_label(role)}"
        else:
            names.setdefault(user_id, NAMELESS)
        if role and user_id not in holders.setdefault(role, []):
            holders[role].append(user_id)
    return People(school_id, names, {role: tuple(ids) for role, ids in holders.items()})


@dataclass(frozen=True)
class Owner:
    """Who a control falls to: the named person, or the holders of its role (or the SIROs)."""

    user_id: int | None  # the named owner, when an active member
    role: str  # the control's owner role: whom it falls to without a named owner
    user_ids: tuple[int, ...]  # everyone it falls to now
    label: str  # "Jo Bloggs", "Sam Patel (IT lead)", "Ann Lee (SIRO: nobody is the IT lead)"


def owner_of(control: Control, setting: ControlSetting | None, people: People) -> Owner:
    """The owner rule (see the module docstring), for one control of ``people``'s school."""
    role = control.owner_role or Role.SIRO
    named = setting.owner_id if setting is not None else None
    if named is not None and named in people.names and people.may_own(named):
        return Owner(named, role, (named,), people.names[named])
    holding = people.holders.get(role, ())
    if holding:
        return Owner(None, role, holding, f"{people.names_of(holding)} ({role_label(role)})")
    siros = people.holders.get(Role.SIRO, ())
    siro = "SIRO"
    if not siros:
        return Owner(None, role, (), f"Nobody: the school has no {siro}")
    if role == Role.SIRO:
        return Owner(None, role, siros, f"{people.names_of(siros)} ({siro})")
    return Owner(None, role, siros,
                 f"{people.names_of(siros)} ({siro}: nobody is the {role_label(role)})")


def may_confirm(access: SchoolAccess, *, owner_user_id: int | None, owner_role: str,
                viewer_id: int | None) -> bool:
    """Whether the viewer may confirm an attested control with this owner (the rule of
    ``controls.services.may_attest``): a member holding ``compliance.manage`` any control;
    another member holding ``compliance.attest`` a control they own (named as its owner, or
    holding its owner's role when nobody is named). Without ``viewer_id`` a control with a
    named owner is confirmable only by a manager. No query."""
    if not access.can(ATTEST):
        return False
    if access.can(MANAGE):
        return True
    if owner_user_id is not None:
        return viewer_id is not None and owner_user_id == viewer_id
    return owner_role in access.roles
