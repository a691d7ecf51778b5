"""The demo: what it builds, that it builds once, and the codes it prints."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.mfa.utils import decrypt
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.demo import builder
from schoolkeep.demo.builder import DEMO_PASSWORD, TRUST_SLUG, DemoContext
from schoolkeep.demo.selectors import demo_totp_code
from schoolkeep.tenancy.duties import provider
from schoolkeep.tenancy.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationMembership,
    School,
    Site,
)
from schoolkeep.tenancy.roles import SCHOOL_ROLES, Role
from schoolkeep.tenancy.selectors import access_list_for_user

pytestmark = pytest.mark.django_db

LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def roles_in(school: School) -> set[str]:
    return set(
        MembershipRole.objects.filter(
            membership__school=school, membership__is_active=True
        ).values_list("role", flat=True)
    )


def totp_of(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()


@pytest.mark.usefixtures("shared_demo")
def test_demo_builds_a_trust_with_two_schools_and_their_sites() -> None:
    trust = Organisation.objects.get(slug=TRUST_SLUG)
    schools = list(School.objects.filter(organisation=trust).order_by("name"))
    assert [s.slug for s in schools] == ["larkspur", "marsh-lane"]
    sites = {s.slug: sorted(Site.objects.filter(school=s).values_list("name", flat=True))
             for s in schools}
    assert sites == {"larkspur": ["Main site", "Meadow Building"], "marsh-lane": ["Main site"]}
    assert all(s.incident_reporting_instructions for s in schools)


@pytest.mark.usefixtures("shared_demo")
def test_demo_gives_every_school_role_in_the_first_school_and_members_in_the_second() -> None:
    larkspur = School.objects.get(slug="larkspur")
    marsh_lane = School.objects.get(slug="marsh-lane")
    assert roles_in(larkspur) == {role.value for role in SCHOOL_ROLES}
    assert {Role.SIRO.value, Role.DPO.value, Role.STAFF.value} <= roles_in(marsh_lane)


@pytest.mark.usefixtures("shared_demo")
def test_one_demo_member_belongs_to_both_schools_so_switching_is_real() -> None:
    both = (
        User.objects.filter(memberships__school__slug="larkspur", memberships__is_active=True)
        .filter(memberships__school__slug="marsh-lane")
        .distinct()
    )
    assert both.count() == 1
    assert {a.school.slug for a in access_list_for_user(both.get())} == {"larkspur", "marsh-lane"}


@pytest.mark.usefixtures("shared_demo")
def test_the_trust_administrator_reads_both_schools_from_the_trust() -> None:
    admin = OrganisationMembership.objects.get(organisation__slug=TRUST_SLUG).user
    assert not Membership.objects.filter(user=admin).exists()
    accesses = access_list_for_user(admin)
    assert {a.school.slug for a in accesses} == {"larkspur", "marsh-lane"}
    assert all(a.is_trust_admin and a.via_trust for a in accesses)


@pytest.mark.usefixtures("shared_demo")
def test_every_demo_member_is_marked_demo_and_signs_in_with_the_shared_password() -> None:
    users = list(User.objects.filter(email__endswith=".example"))
    assert len(users) == 15
    assert all(user.is_demo and user.is_active for user in users)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)


@pytest.mark.usefixtures("shared_demo")
def test_privileged_members_have_totp_except_exactly_one() -> None:
    privileged, without = [], []
    for user in User.objects.filter(is_demo=True):
        roles = set(user.memberships.values_list("roles__role", flat=True))
        if user.organisation_memberships.exists():
            roles.add(Role.TRUST_ADMIN.value)
        if roles - {Role.STAFF.value}:
            privileged.append(user)
            if totp_of(user) is None:
                without.append(user)
        else:
            assert totp_of(user) is None  # plain staff: not needed
    assert len(privileged) == 13
    assert [user.email for user in without] == ["governor@larkspur.example"]


@pytest.mark.usefixtures("shared_demo")
def test_totp_secrets_are_random_and_stored_encrypted() -> None:
    stored = [a.data["secret"] for a in Authenticator.objects.filter(type="totp")]
    secrets = [decrypt(value) for value in stored]
    assert len(set(secrets)) == len(secrets) == 12
    assert not set(stored) & set(secrets)  # what is stored is not the secret itself


@pytest.mark.usefixtures("shared_demo")
def test_demo_leaves_one_pending_invitation() -> None:
    pending = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    assert [(i.school.slug, i.email, i.roles) for i in pending] == [
        ("larkspur", "new.teacher@larkspur.example", ["staff"])
    ]


@pytest.mark.usefixtures("shared_demo")
def test_demo_is_audited_as_the_command_line_user_and_the_chains_verify() -> None:
    # Signatures name their signer (a member, "signing link: ...", "kiosk: ..."), as real
    # ones do, and a kiosk closes as the kiosk; a transfer is logged by its sender (who may
    # add its recipient to the asset in the same step) and a question asked by its asker;
    # the DPO's advice on a DPIA and the SIRO's sign-off are theirs (nobody else may);
    # everything else is the command line's. A member's name is sealed under their key, so
    # the row reads "sealed" for them.
    signing = AuditEvent.objects.filter(action__in=[
        "agreements.signature.created", "agreements.link.used", "agreements.kiosk.closed"])
    members = AuditEvent.objects.filter(action__in=[
        "transfers.transfer.logged", "transfers.question.asked", "assets.asset.updated",
        "dpias.advised", "dpias.signed-off"])
    labels = set(AuditEvent.objects.exclude(pk__in=signing.values("pk"))
                 .exclude(pk__in=members.exclude(actor_label__startswith="cli:").values("pk"))
                 .values_list("actor_label", flat=True))
    assert len(labels) == 1 and next(iter(labels)).startswith("cli:")
    assert signing.exclude(actor_label__startswith="cli:").exists()
    assert members.filter(action="transfers.transfer.logged").exclude(
        actor_label__startswith="cli:").exists()
    assert AuditEvent.objects.filter(action="demo.user.marked").count() == 15
    assert AuditEvent.objects.filter(action="accounts.mfa.added").count() == 12
    assert audit_verify().ok


def test_demo_prints_the_password_the_logins_and_the_code_command() -> None:
    out = run("demo")
    assert DEMO_PASSWORD in out
    for user in User.objects.filter(is_demo=True):
        assert user.email in out
    assert "demo-code --email siro@larkspur.example" in out
    assert "new.teacher@larkspur.example" in out


@pytest.mark.usefixtures("shared_demo")
def test_running_demo_again_changes_nothing_and_says_so() -> None:
    counts = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count(),
              Authenticator.objects.count(), School.objects.count())
    out = run("demo")
    assert "exists already; nothing was changed" in out
    assert DEMO_PASSWORD in out  # the logins are printed again
    assert counts == (User.objects.count(), Membership.objects.count(),
                      AuditEvent.objects.count(), Authenticator.objects.count(),
                      School.objects.count())


def test_a_failing_step_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: DemoContext) -> None:
        assert ctx.schools["larkspur"].pk  # later steps see what earlier ones made
        raise RuntimeError("step failed")

    monkeypatch.setattr(builder, "_steps", dict(builder._steps))
    builder.register_step("broken", broken, order=999)
    with pytest.raises(RuntimeError):
        run("demo")
    assert not User.objects.exists()
    assert not School.objects.exists()


def test_steps_run_by_order_then_registration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builder, "_steps", {})
    calls: list[str] = []
    builder.register_step("late", lambda ctx: calls.append("late"), order=900)
    builder.register_step("early", lambda ctx: calls.append("early"), order=10)
    builder.register_step("also-early", lambda ctx: calls.append("also-early"), order=10)
    builder.build_demo()
    assert calls == ["early", "also-early", "late"]


@pytest.mark.usefixtures("shared_demo")
def test_demo_code_prints_a_code_that_passes_allauths_check() -> None:
    user = User.objects.get(email="siro@larkspur.example")
    code = run("demo_code", "--email", "SIRO@larkspur.example").strip()
    assert len(code) == 6 and code.isdigit()
    authenticator = totp_of(user)
    assert authenticator is not None
    assert validate_totp_code(decrypt(authenticator.data["secret"]), code)
    with override_settings(CACHES=LOCMEM_CACHE):
        assert TOTP(authenticator).validate_code(code)  # what the sign-in form calls


@pytest.mark.usefixtures("shared_demo")
def test_demo_code_is_the_code_of_that_moment() -> None:
    first, left = demo_totp_code("siro@larkspur.example", at=1_000_000_000)
    again, _ = demo_totp_code("siro@larkspur.example", at=1_000_000_000 + left - 1)
    later, _ = demo_totp_code("siro@larkspur.example", at=1_000_000_000 + 3600)
    other, _ = demo_totp_code("dpo@kestrelvale.example", at=1_000_000_000)
    assert first == again
    assert 1 <= left <= 30
    assert len({first, later, other}) == 3  # 1 in a million chance of a false failure each


@override_settings(CACHES=LOCMEM_CACHE)
@pytest.mark.usefixtures("shared_demo")
def test_a_demo_member_signs_in_with_password_and_demo_code(client) -> None:  # type: ignore[no-untyped-def]
    cache.clear()  # allauth remembers used codes: the shared demo's secrets are not new
    response = client.post(
        "/accounts/login/", {"login": "siro@larkspur.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session  # the second factor is still to come
    code = run("demo_code", "--email", "siro@larkspur.example").strip()
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(
        User.objects.get(email="siro@larkspur.example").pk
    )


@pytest.mark.parametrize(
    ("email", "reason"),
    [
        ("nobody@larkspur.example", "No demo member"),
        ("teacher@larkspur.example", "no authenticator app"),
        ("governor@larkspur.example", "no authenticator app"),
    ],
)
@pytest.mark.usefixtures("shared_demo")
def test_demo_code_refuses_unknown_members_and_members_without_totp(
    email: str, reason: str
) -> None:
    with pytest.raises(CommandError, match=reason):
        run("demo_code", "--email", email)


def test_demo_code_never_shows_a_real_members_code(personas) -> None:  # type: ignore[no-untyped-def]
    assert totp_of(personas.siro) is not None
    with pytest.raises(CommandError, match="No demo member"):
        run("demo_code", "--email", personas.siro.email)


@override_settings(PRODUCTION=True)
def test_demo_and_demo_code_refuse_in_production() -> None:
    with pytest.raises(CommandError, match="refuses to run in production"):
        run("demo")
    assert not User.objects.exists()
    with pytest.raises(CommandError, match="refuses to run in production"):
        run("demo_code", "--email", "siro@larkspur.example")


@pytest.mark.usefixtures("shared_demo")
def test_the_demo_raises_the_foundations_duties_at_the_first_school() -> None:
    larkspur = School.objects.get(slug="larkspur")
    now = timezone.now()
    duties = provider.for_school(larkspur.pk, now=now, horizon=now + timedelta(days=14))
    missing = [d for d in duties if d.key.startswith("tenancy.mfa-missing:")]
    assert [d.owner_user_id for d in missing] == [
        User.objects.get(email="governor@larkspur.example").pk
    ]
    assert any(d.key.startswith("tenancy.invitation-open:") for d in duties)
