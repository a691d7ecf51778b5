"""The demonstration trust, built as a list of steps that later modules extend.

A step is a function taking the ``DemoContext``. The foundation's steps build the trust, its
schools and sites, a member in every role, two-factor for the privileged members (but one) and
a pending invitation. A later module registers its own step from its ``AppConfig.ready()``::

    from schoolkeep.demo.builder import register_step

    register_step("assets", build_demo_assets, order=300)

and reads ``ctx.schools["larkspur"]`` or ``ctx.users["larkspur.siro"]`` to add records that
raise its own duties. Steps write through services, like everything else; the whole build is
one transaction, so a failing step leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import user_create
from schoolkeep.audit.services import audit_record
from schoolkeep.tenancy.models import Organisation, School
from schoolkeep.tenancy.roles import SCHOOL_ROLES, Role
from schoolkeep.tenancy.services import (
    invitation_create,
    membership_create,
    organisation_create,
    organisation_membership_create,
    school_create,
    school_update_settings,
    site_create,
)

# One password for every demo member, public on purpose: the demo refuses to run in production,
# and production refuses to start while a demo member is active. Two-factor secrets are random
# per install.
DEMO_PASSWORD = "schoolkeep-demo"  # nosec B105

TRUST_NAME = "Kestrel Vale Schools Trust"
TRUST_SLUG = "kestrel-vale"


@dataclass
class DemoContext:
    """What the steps share: the records made so far, by short keys."""

    password: str = DEMO_PASSWORD
    organisation: Organisation | None = None
    schools: dict[str, School] = field(default_factory=dict)  # by slug
    users: dict[str, User] = field(default_factory=dict)  # "larkspur.siro", "trust.admin", ...

    def add_user(self, key: str, *, email: str, full_name: str) -> User:
        """A demo account with the shared password, marked ``is_demo``."""
        user = user_create(email=email, full_name=full_name, password=self.password)
        # is_demo is not editable through forms or services: set it here, and audit it.
        User.objects.filter(pk=user.pk).update(is_demo=True)
        user.is_demo = True
        audit_record(
            action="demo.user.marked",
            target=user,
            changes={"is_demo": {"before": False, "after": True}},
        )
        self.users[key] = user
        return user

    def enrol_totp(self, user: User) -> None:
        """Two-factor with a secret made now, stored (encrypted) as allauth stores its own."""
        TOTP.activate(user, generate_totp_secret())
        audit_record(
            action="accounts.mfa.added",
            target=user,
            changes={"type": {"before": None, "after": "totp"}},
        )


Step = Callable[[DemoContext], None]


@dataclass(frozen=True)
class _Registered:
    name: str
    func: Step
    order: int
    index: int


_steps: dict[str, _Registered] = {}


def register_step(name: str, func: Step, *, order: int = 500) -> None:
    """Add (or replace) a named step; steps run by ``order``, then in registration order."""
    index = _steps[name].index if name in _steps else len(_steps)
    _steps[name] = _Registered(name=name, func=func, order=order, index=index)


def steps() -> list[tuple[str, Step]]:
    ordered = sorted(_steps.values(), key=lambda step: (step.order, step.index))
    return [(step.name, step.func) for step in ordered]


def demo_exists() -> bool:
    return User.objects.filter(is_demo=True).exists()


def build_demo() -> DemoContext:
    """Run every step in one transaction. Callers check ``demo_exists()`` first."""
    ctx = DemoContext()
    with transaction.atomic():
        for _name, func in steps():
            func(ctx)
    return ctx


# ---------------------------------------------------------------- the foundation's steps

# (key, e-mail, full name, school roles) of Larkspur Primary School: one member per role.
# The DPO is shared with Marsh Lane Academy, so school switching is real.
LARKSPUR_MEMBERS: list[tuple[str, str, str, Role]] = [
    ("siro", "siro@larkspur.example", "Amara Osei", Role.SIRO),
    ("dpo", "dpo@kestrelvale.example", "Priya Raman", Role.DPO),
    ("iao", "iao@larkspur.example", "Tom Whitfield", Role.IAO),
    ("business_manager", "business.manager@larkspur.example", "Grace Adeyemi",
     Role.BUSINESS_MANAGER),
    ("it_lead", "it.lead@larkspur.example", "Lewis Carter", Role.IT_LEAD),
    ("dsl", "dsl@larkspur.example", "Hannah Brooks", Role.DSL),
    ("hr_admin", "hr.admin@larkspur.example", "Sofia Novak", Role.HR_ADMIN),
    ("data_admin", "data.admin@larkspur.example", "Kieran Walsh", Role.DATA_ADMIN),
    ("staff", "teacher@larkspur.example", "Ellie Morgan", Role.STAFF),
    ("governor", "governor@larkspur.example", "Martin Hughes", Role.GOVERNOR),
    ("auditor", "auditor@larkspur.example", "Ruth Okonkwo", Role.AUDITOR),
]
MARSH_LANE_MEMBERS: list[tuple[str, str, str, Role]] = [
    ("siro", "siro@marshlane.example", "Jonathan Reid", Role.SIRO),
    ("staff", "teacher@marshlane.example", "Aisha Khan", Role.STAFF),
    ("governor", "governor@marshlane.example", "Bethan Lloyd", Role.GOVERNOR),
]
# The privileged member deliberately left without two-factor: the SIRO's dashboard shows it.
WITHOUT_TWO_FACTOR = "larkspur.governor"

INCIDENT_INSTRUCTIONS = (
    "If you think personal data may have been lost, sent to the wrong person or seen by someone"
    " who should not have seen it, tell the data protection officer straight away, in person or"
    " by phone, and the headteacher if the DPO is away. Do not try to investigate it yourself."
)


def build_trust(ctx: DemoContext) -> None:
    ctx.organisation = organisation_create(name=TRUST_NAME, slug=TRUST_SLUG)
    larkspur = school_create(
        name="Larkspur Primary School", slug="larkspur", organisation=ctx.organisation,
        kind=School.Kind.ACADEMY,
    )
    marsh_lane = school_create(
        name="Marsh Lane Academy", slug="marsh-lane", organisation=ctx.organisation,
        kind=School.Kind.ACADEMY,
    )
    site_create(school=larkspur, name="Main site")
    site_create(school=larkspur, name="Meadow Building")
    site_create(school=marsh_lane, name="Main site")
    for school in (larkspur, marsh_lane):
        ctx.schools[school.slug] = school_update_settings(
            school=school, actor=None, idle_timeout_minutes=school.idle_timeout_minutes,
            require_mfa_for_all=False, incident_reporting_instructions=INCIDENT_INSTRUCTIONS,
            version=school.version,
        )


def build_members(ctx: DemoContext) -> None:
    larkspur, marsh_lane = ctx.schools["larkspur"], ctx.schools["marsh-lane"]
    for key, email, full_name, role in LARKSPUR_MEMBERS:
        user = ctx.add_user(f"larkspur.{key}", email=email, full_name=full_name)
        membership_create(school=larkspur, user=user, roles=[role])
    shared_dpo = ctx.users["larkspur.dpo"]
    membership_create(school=marsh_lane, user=shared_dpo, roles=[Role.DPO])
    ctx.users["marsh-lane.dpo"] = shared_dpo
    for key, email, full_name, role in MARSH_LANE_MEMBERS:
        user = ctx.add_user(f"marsh-lane.{key}", email=email, full_name=full_name)
        membership_create(school=marsh_lane, user=user, roles=[role])
    assert ctx.organisation is not None
    trust_admin = ctx.add_user(
        "trust.admin", email="trust.admin@kestrelvale.example", full_name="Marcus Bell"
    )
    organisation_membership_create(organisation=ctx.organisation, user=trust_admin)


def build_two_factor(ctx: DemoContext) -> None:
    """Every member whose roles need two-factor has it, except the one left out on purpose."""
    privileged = {role.value for role in SCHOOL_ROLES} - {Role.STAFF.value}
    seen: set[int] = set()
    for key, user in ctx.users.items():
        if user.pk in seen or key == WITHOUT_TWO_FACTOR:
            continue
        seen.add(user.pk)
        roles = set(
            user.memberships.filter(is_active=True).values_list("roles__role", flat=True)
        )
        is_trust_admin = user.organisation_memberships.filter(is_active=True).exists()
        if roles & privileged or is_trust_admin:
            ctx.enrol_totp(user)


def build_invitation(ctx: DemoContext) -> None:
    invitation_create(
        school=ctx.schools["larkspur"], email="new.teacher@larkspur.example",
        full_name="Chloe Ward", roles=[Role.STAFF], actor=None, send_email=False,
    )


register_step("trust", build_trust, order=100)
register_step("members", build_members, order=110)
register_step("two-factor", build_two_factor, order=120)
register_step("invitation", build_invitation, order=130)
