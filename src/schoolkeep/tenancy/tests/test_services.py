"""Tenancy services: schools, members, roles, invitations and settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.lib.crypto import token_hash
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.tenancy import services
from schoolkeep.tenancy.models import Invitation, Membership, School
from schoolkeep.tenancy.selectors import access_list_for_user, invitation_for_token

User = get_user_model()
PASSWORD = "a-long-and-unusual-passphrase-42"


def roles_of(membership: Membership) -> set[str]:
    return set(membership.roles.values_list("role", flat=True))


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def signed_in_session(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


# ---------------------------------------------------------------- schools


def test_school_slug_comes_from_name_and_must_be_unique(db):
    school = services.school_create(name="St Mary's C of E Primary")
    assert school.slug == "st-marys-c-of-e-primary"
    assert AuditEvent.objects.filter(action="tenancy.school.created", school=school).exists()
    with pytest.raises(DomainError) as caught:
        services.school_create(name="St Mary\u2019s C of E Primary")
    assert caught.value.field == "slug"
    assert School.objects.filter(slug="st-marys-c-of-e-primary").count() == 1


def test_organisation_and_site_are_created_and_audited(db):
    trust = services.organisation_create(name="Brook Valley Trust", kind="trust")
    school = services.school_create(name="Brook Primary", organisation=trust)
    site = services.site_create(school=school, name="Nursery building")
    assert school.organisation == trust
    assert site.school == school
    with pytest.raises(DomainError):
        services.site_create(school=school, name="nursery building")
    created = AuditEvent.objects.get(action="tenancy.site.created")
    assert created.changes == {"name": {"before": None, "after": "Nursery building"}}


# ---------------------------------------------------------------- roles


def test_roles_change_is_audited_with_before_and_after(personas):
    membership = Membership.objects.get(user=personas.staff, school=personas.school)
    services.membership_set_roles(
        membership=membership, roles=["staff", "governor"], actor=personas.siro
    )
    assert roles_of(membership) == {"staff", "governor"}
    (event,) = events("tenancy.membership.roles_changed")
    # About the member: sealed under their key, read while it exists.
    assert open_event(event).changes == {
        "roles": {"before": ["staff"], "after": ["staff", "governor"]}}
    assert event.actor_id == personas.siro.pk
    assert event.school_id == personas.school.pk


def test_a_member_keeps_at_least_one_role(personas):
    membership = Membership.objects.get(user=personas.staff, school=personas.school)
    with pytest.raises(DomainError) as caught:
        services.membership_set_roles(membership=membership, roles=[], actor=personas.siro)
    assert caught.value.field == "roles"
    with pytest.raises(DomainError):
        services.membership_set_roles(
            membership=membership, roles=["trust_admin"], actor=personas.siro
        )
    assert roles_of(membership) == {"staff"}


def test_the_last_siro_cannot_lose_the_role(personas):
    membership = Membership.objects.get(user=personas.siro, school=personas.school)
    with pytest.raises(DomainError, match="must keep a SIRO"):
        services.membership_set_roles(membership=membership, roles=["staff"], actor=personas.siro)
    assert roles_of(membership) == {"siro"}


def test_the_siro_role_can_move_once_someone_else_holds_it(personas):
    dpo = Membership.objects.get(user=personas.dpo, school=personas.school)
    siro = Membership.objects.get(user=personas.siro, school=personas.school)
    services.membership_set_roles(membership=dpo, roles=["dpo", "siro"], actor=personas.siro)
    services.membership_set_roles(membership=siro, roles=["staff"], actor=personas.siro)
    assert roles_of(siro) == {"staff"}


def test_only_the_siro_changes_roles(personas):
    membership = Membership.objects.get(user=personas.staff, school=personas.school)
    for actor in (personas.dpo, personas.auditor, personas.trust_admin, personas.outsider):
        with pytest.raises(NotAllowed):
            services.membership_set_roles(membership=membership, roles=["dpo"], actor=actor)
    assert roles_of(membership) == {"staff"}


# ---------------------------------------------------------------- deactivation


def test_the_last_siro_cannot_be_deactivated(personas):
    membership = Membership.objects.get(user=personas.siro, school=personas.school)
    second = UserFactory()
    MembershipFactory(user=second, school=personas.school, roles=["dpo"])
    with pytest.raises(DomainError):  # by themselves
        services.membership_deactivate(membership=membership, actor=personas.siro)
    with pytest.raises(DomainError, match="must keep a SIRO"):  # by the operator
        services.membership_deactivate(membership=membership, actor=None)
    membership.refresh_from_db()
    assert membership.is_active


def test_deactivating_ends_sessions_and_tokens_and_the_account(personas):
    user = personas.it_lead
    token, _secret = token_create(user=user, name="backup script")
    session_key = signed_in_session(user)
    membership = Membership.objects.get(user=user, school=personas.school)

    services.membership_deactivate(membership=membership, actor=personas.siro)

    membership.refresh_from_db()
    user.refresh_from_db()
    token.refresh_from_db()
    assert not membership.is_active
    assert not user.is_active
    assert token.revoked_at is not None
    assert not SessionStore().exists(session_key)
    assert access_list_for_user(user) == []
    event = AuditEvent.objects.get(action="tenancy.membership.deactivated")
    assert open_event(event).changes["is_active"] == {"before": True, "after": False}


def test_deactivating_in_one_school_keeps_the_account_of_a_member_elsewhere(personas):
    user = personas.dpo
    MembershipFactory(user=user, school=personas.other_school, roles=["dpo"])
    token, _secret = token_create(user=user, name="reports")
    session_key = signed_in_session(user)
    membership = Membership.objects.get(user=user, school=personas.school)

    services.membership_deactivate(membership=membership, actor=personas.siro)

    user.refresh_from_db()
    token.refresh_from_db()
    assert user.is_active
    assert token.revoked_at is None
    assert not SessionStore().exists(session_key)  # sessions end at once all the same
    assert [a.school for a in access_list_for_user(user)] == [personas.other_school]


# ---------------------------------------------------------------- invitations


def test_invitation_stores_only_the_hash_and_mails_the_link_after_commit(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = services.invitation_create(
            school=personas.school, email=" New.Teacher@Oakfield.example ", full_name="Nia Cole",
            roles=["staff"], actor=personas.siro,
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(token) >= 43  # 32 random bytes
    assert invitation.email == "new.teacher@oakfield.example"
    assert invitation.token_hash == token_hash(token)
    assert not Invitation.objects.filter(token_hash=token).exists()
    (message,) = mail.outbox
    assert message.to == ["new.teacher@oakfield.example"]
    assert f"http://testserver/join/{token}/" in message.body
    assert "Oakfield Primary" in message.subject
    event = AuditEvent.objects.get(action="tenancy.invitation.created")
    assert event.changes["roles"] == {"before": None, "after": ["staff"]}
    assert token not in str(event.changes)


def test_inviting_an_existing_member_is_refused(personas):
    with pytest.raises(DomainError) as caught:
        services.invitation_create(
            school=personas.school, email="STAFF@oakfield.example", full_name="",
            roles=["staff"], actor=personas.siro,
        )
    assert caught.value.field == "email"


def test_inviting_again_replaces_the_open_invitation(personas):
    first, first_token = services.invitation_create(
        school=personas.school, email="a@example.org", full_name="A", roles=["staff"],
        actor=personas.siro,
    )
    services.invitation_create(
        school=personas.school, email="a@example.org", full_name="A", roles=["governor"],
        actor=personas.siro,
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(services.InvitationUnusable):
        services.invitation_accept(token=first_token, full_name="A", password=PASSWORD)


def test_accepting_creates_the_account_and_the_membership(personas):
    invitation, token = services.invitation_create(
        school=personas.school, email="nia@example.org", full_name="Nia Cole",
        roles=["staff", "governor"], actor=personas.siro,
    )
    user = services.invitation_accept(token=token, full_name="Nia Cole", password=PASSWORD)

    assert user.email == "nia@example.org"
    assert user.check_password(PASSWORD)
    membership = Membership.objects.get(user=user, school=personas.school)
    assert membership.is_active
    assert roles_of(membership) == {"staff", "governor"}
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert AuditEvent.objects.filter(action="tenancy.invitation.accepted", actor=user).exists()
    assert AuditEvent.objects.filter(action="tenancy.membership.created").exists()


def test_an_invitation_works_only_once(personas):
    _invitation, token = services.invitation_create(
        school=personas.school, email="once@example.org", full_name="Once", roles=["staff"],
        actor=personas.siro,
    )
    services.invitation_accept(token=token, full_name="Once", password=PASSWORD)
    with pytest.raises(services.InvitationUnusable, match="already been used"):
        services.invitation_accept(token=token, full_name="Twice", password=PASSWORD + "x")
    assert User.objects.filter(email="once@example.org").count() == 1


def test_an_expired_invitation_is_refused(personas):
    invitation, token = services.invitation_create(
        school=personas.school, email="late@example.org", full_name="Late", roles=["staff"],
        actor=personas.siro, days=1,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(services.InvitationUnusable, match="expired"):
        services.invitation_accept(token=token, full_name="Late", password=PASSWORD)
    assert not User.objects.filter(email="late@example.org").exists()


def test_a_revoked_invitation_is_refused(personas):
    invitation, token = services.invitation_create(
        school=personas.school, email="gone@example.org", full_name="Gone", roles=["staff"],
        actor=personas.siro,
    )
    services.invitation_revoke(invitation=invitation, actor=personas.siro)
    with pytest.raises(services.InvitationUnusable, match="withdrawn"):
        services.invitation_accept(token=token, full_name="Gone", password=PASSWORD)
    with pytest.raises(DomainError):
        services.invitation_revoke(invitation=invitation, actor=personas.siro)
    assert AuditEvent.objects.filter(action="tenancy.invitation.revoked").count() == 1


def test_an_unknown_token_is_refused(db):
    with pytest.raises(services.InvitationNotFound):
        services.invitation_accept(token="not-a-real-token", full_name="X", password=PASSWORD)
    assert invitation_for_token("") is None


def test_a_weak_password_is_refused_and_nothing_is_used_up(personas):
    invitation, token = services.invitation_create(
        school=personas.school, email="weak@example.org", full_name="Weak", roles=["staff"],
        actor=personas.siro,
    )
    with pytest.raises(DomainError) as caught:
        services.invitation_accept(token=token, full_name="Weak", password="password")
    assert caught.value.field == "password"
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not User.objects.filter(email="weak@example.org").exists()


def test_an_existing_account_just_joins_the_school(personas):
    user = personas.outsider
    _invitation, token = services.invitation_create(
        school=personas.school, email=user.email, full_name="", roles=["governor"],
        actor=personas.siro,
    )
    old_hash = user.password
    joined = services.invitation_accept(token=token, full_name="", password="")
    assert joined == user
    user.refresh_from_db()
    assert user.password == old_hash  # the link does not change anybody's password
    assert {a.school.slug for a in access_list_for_user(user)} == {"oakfield", "hillside"}


def test_a_former_member_invited_again_comes_back(personas):
    membership = Membership.objects.get(user=personas.governor, school=personas.school)
    services.membership_deactivate(membership=membership, actor=personas.siro)
    personas.governor.refresh_from_db()
    assert not personas.governor.is_active
    _invitation, token = services.invitation_create(
        school=personas.school, email=personas.governor.email, full_name="Back Again",
        roles=["governor"], actor=personas.siro,
    )
    user = services.invitation_accept(token=token, full_name="Back Again", password=PASSWORD)
    user.refresh_from_db()
    membership.refresh_from_db()
    assert user.is_active and membership.is_active
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="accounts.user.reactivated")
    assert open_event(event).changes["password"] == {"before": "changed", "after": "changed"}
    # In the trail of the school they come back to, as their leaving is.
    assert event.school_id == personas.school.pk


def test_who_may_invite(personas):
    for actor in (personas.dpo, personas.auditor, personas.staff, personas.outsider):
        with pytest.raises(NotAllowed):
            services.invitation_create(
                school=personas.school, email="x@example.org", full_name="X",
                roles=["staff"], actor=actor,
            )
    assert not Invitation.objects.exists()


def test_trust_admin_invites_only_into_a_school_without_a_siro(personas):
    trust = personas.school.organisation
    new_school = SchoolFactory(name="Willow Junior", slug="willow", organisation=trust)
    outside = SchoolFactory(name="Elsewhere", slug="elsewhere")

    with pytest.raises(NotAllowed):  # Oakfield has a SIRO
        services.invitation_create(
            school=personas.school, email="x@example.org", full_name="X", roles=["staff"],
            actor=personas.trust_admin,
        )
    with pytest.raises(NotAllowed):  # not a school of their trust
        services.invitation_create(
            school=outside, email="x@example.org", full_name="X", roles=["siro"],
            actor=personas.trust_admin,
        )
    invitation, token = services.invitation_create(
        school=new_school, email="head@willow.example", full_name="Head Teacher",
        roles=["siro"], actor=personas.trust_admin,
    )
    assert invitation.invited_by_label == str(personas.trust_admin)
    services.invitation_accept(token=token, full_name="Head Teacher", password=PASSWORD)
    # Now the school has a SIRO: the trust administrator writes nothing there any more.
    with pytest.raises(NotAllowed):
        services.invitation_create(
            school=new_school, email="y@example.org", full_name="Y", roles=["staff"],
            actor=personas.trust_admin,
        )


# ---------------------------------------------------------------- settings


def test_settings_are_saved_audited_and_versioned(personas):
    school = personas.school
    updated = services.school_update_settings(
        school=school, actor=personas.siro, idle_timeout_minutes=10, require_mfa_for_all=True,
        incident_reporting_instructions="Ring the office.", version=school.version,
    )
    assert (updated.idle_timeout_minutes, updated.require_mfa_for_all) == (10, True)
    assert updated.version == school.version + 1
    event = AuditEvent.objects.get(action="tenancy.school.settings_changed")
    assert event.changes["idle_timeout_minutes"] == {"before": 15, "after": 10}
    with pytest.raises(StaleVersion):
        services.school_update_settings(
            school=school, actor=personas.siro, idle_timeout_minutes=30,
            require_mfa_for_all=False, incident_reporting_instructions="", version=school.version,
        )
    school.refresh_from_db()
    assert school.idle_timeout_minutes == 10


def test_settings_are_validated_and_only_the_siro_changes_them(personas):
    school = personas.school
    with pytest.raises(DomainError) as caught:
        services.school_update_settings(
            school=school, actor=personas.siro, idle_timeout_minutes=1, require_mfa_for_all=False,
            incident_reporting_instructions="", version=school.version,
        )
    assert caught.value.field == "idle_timeout_minutes"
    with pytest.raises(NotAllowed):
        services.school_update_settings(
            school=school, actor=personas.dpo, idle_timeout_minutes=20, require_mfa_for_all=False,
            incident_reporting_instructions="", version=school.version,
        )
    school.refresh_from_db()
    assert school.idle_timeout_minutes == 15

