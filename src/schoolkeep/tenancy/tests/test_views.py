"""Tenancy pages: switching school, key contacts, settings, members and invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.personas import enrol_totp

from schoolkeep.tenancy import contacts
from schoolkeep.tenancy.middleware import SESSION_KEY
from schoolkeep.tenancy.models import Invitation, Membership
from schoolkeep.tenancy.services import invitation_create


def member(personas, name: str) -> Membership:
    return Membership.objects.get(user=personas.users[name], school=personas.school)


# ---------------------------------------------------------------- switching and no school


def test_switching_to_a_school_in_the_list_remembers_it(personas, login):
    MembershipFactory(user=personas.dpo, school=personas.other_school, roles=["dpo"])
    client = login(personas.dpo)
    response = client.post(reverse("tenancy:school-switch"), {"school": "hillside"})
    assert response.status_code == 302
    assert response.url == reverse("duties:dashboard")
    assert client.session[SESSION_KEY] == personas.other_school.pk
    page = client.get(reverse("tenancy:key-contacts"))
    assert page.context["request"].school == personas.other_school


def test_switching_to_a_school_not_in_the_list_is_404(personas, login):
    client = login(personas.siro)
    response = client.post(reverse("tenancy:school-switch"), {"school": "hillside"})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_switching_needs_post(personas, login):
    client = login(personas.siro)
    assert client.get(reverse("tenancy:school-switch")).status_code == 405


def test_a_user_without_a_school_sees_why(db, login):
    client = login(UserFactory())
    response = client.get(reverse("tenancy:key-contacts"))
    assert response.status_code == 302
    assert response.url == reverse("tenancy:no-school")
    page = client.get(reverse("tenancy:no-school"))
    assert page.status_code == 200
    assert "not a member of any school" in page.content.decode()


# ---------------------------------------------------------------- key contacts


def test_every_member_sees_the_key_contacts(personas, login):
    client = login(personas.staff)
    response = client.get(reverse("tenancy:key-contacts"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("siro", "dpo", "dsl", "it_lead"):
        assert personas.users[name].email in html
        assert personas.users[name].full_name in html
    assert contacts.DEFAULT_INCIDENT_INSTRUCTIONS.split(",")[0] in html


def test_key_contacts_show_the_schools_own_instructions(personas, login):
    personas.school.incident_reporting_instructions = "Phone Mrs Patel on extension 214."
    personas.school.save()
    html = login(personas.governor).get(reverse("tenancy:key-contacts")).content.decode()
    assert "Phone Mrs Patel on extension 214." in html
    assert contacts.DEFAULT_INCIDENT_INSTRUCTIONS.split(",")[0] not in html


def test_later_modules_add_sections_to_key_contacts(personas, login):
    def asset_owners(school):
        return contacts.ContactSection(
            title="Information asset owners",
            people=[contacts.ContactPerson(name="Ann Owner", email="ann@example.org",
                                           note="Pupil records")],
        )

    contacts.register_contact_section(asset_owners)
    try:
        html = login(personas.staff).get(reverse("tenancy:key-contacts")).content.decode()
    finally:
        contacts._providers.remove(asset_owners)
    assert "Information asset owners" in html
    assert "Ann Owner (Pupil records)" in html


# ---------------------------------------------------------------- settings


def test_siro_changes_the_settings(personas, login):
    client = login(personas.siro)
    assert client.get(reverse("tenancy:school-settings")).status_code == 200
    response = client.post(reverse("tenancy:school-settings"), {
        "idle_timeout_minutes": "20", "require_mfa_for_all": "on",
        "incident_reporting_instructions": "Tell the office.", "version": "1",
    })
    assert response.status_code == 302
    personas.school.refresh_from_db()
    assert personas.school.idle_timeout_minutes == 20
    assert personas.school.require_mfa_for_all


def test_stale_settings_form_is_refused(personas, login):
    client = login(personas.siro)
    personas.school.version = 5
    personas.school.save()
    response = client.post(reverse("tenancy:school-settings"), {
        "idle_timeout_minutes": "20", "incident_reporting_instructions": "", "version": "4",
    })
    assert response.status_code == 200
    assert "Someone else changed these settings" in response.content.decode()
    personas.school.refresh_from_db()
    assert personas.school.idle_timeout_minutes == 15


def test_bad_settings_show_the_error_summary(personas, login):
    response = login(personas.siro).post(reverse("tenancy:school-settings"), {
        "idle_timeout_minutes": "1", "incident_reporting_instructions": "", "version": "1",
    })
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


# ---------------------------------------------------------------- member list


def test_member_list_shows_members_and_open_invitations(personas, login):
    invitation_create(school=personas.school, email="new@example.org", full_name="New Person",
                      roles=["staff"], actor=personas.siro)
    response = login(personas.siro).get(reverse("tenancy:member-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert personas.dpo.email in html
    assert personas.outsider.email not in html
    assert "new@example.org" in html
    assert reverse("tenancy:member-edit", args=[member(personas, "dpo").public_id]) in html


def test_member_list_searches_and_filters_by_role(personas, login):
    client = login(personas.auditor)
    html = client.get(reverse("tenancy:member-list"), {"q": "dsl@"}).content.decode()
    assert personas.dsl.email in html and personas.dpo.email not in html
    html = client.get(reverse("tenancy:member-list"), {"role": "governor"}).content.decode()
    assert personas.governor.email in html and personas.staff.email not in html
    # A read-only role sees the list but no way to change it.
    assert reverse("tenancy:invitation-create") not in html
    assert "/deactivate/" not in html


def test_member_list_paginates_at_fifty(personas, login):
    for _ in range(45):
        MembershipFactory(school=personas.school, roles=["staff"])
    client = login(personas.siro)
    first = client.get(reverse("tenancy:member-list"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("tenancy:member-list"), {"page": "2"})
    assert len(second.context["page"].object_list) == 56 - 50


def _school_with_members(name: str, count: int):
    school = SchoolFactory(name=name)
    siro = UserFactory()
    enrol_totp(siro)
    MembershipFactory(user=siro, school=school, roles=["siro"])
    for index in range(count - 1):
        MembershipFactory(school=school, roles=["staff", "governor"] if index % 2 else ["dpo"])
    for index in range(count // 4 + 1):
        invitation_create(school=school, email=f"invitee{index}@{school.slug}.example",
                          full_name="", roles=["staff"], actor=siro)
    return siro


def test_member_list_queries_do_not_grow_with_members(db, client, django_assert_num_queries):
    few = _school_with_members("Few Members School", 3)
    many = _school_with_members("Many Members School", 40)
    url = reverse("tenancy:member-list")

    client.force_login(few, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.get(url)  # warm up: the first request of a session does one-off work
    reset_queries()  # each request clears the log at its start; count from zero
    with CaptureQueriesContext(connection) as few_queries:
        response = client.get(url)
    few_count = len(few_queries)  # read now: the log is cleared by the next request
    assert response.context["page"].paginator.count == 3
    assert few_count > 0

    client.force_login(many, backend="allauth.account.auth_backends.AuthenticationBackend")
    client.get(url)
    reset_queries()
    with django_assert_num_queries(few_count):
        response = client.get(url)
    assert response.context["page"].paginator.count == 40


# ---------------------------------------------------------------- invitations


def test_siro_invites_a_member(personas, login, django_capture_on_commit_callbacks):
    client = login(personas.siro)
    assert client.get(reverse("tenancy:invitation-create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tenancy:invitation-create"), {
            "full_name": "Nia Cole", "email": "nia@example.org", "roles": ["staff", "governor"],
        })
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="nia@example.org")
    assert invitation.roles == ["staff", "governor"]
    assert len(mail.outbox) == 1


def test_inviting_a_member_shows_the_error_on_the_field(personas, login):
    response = login(personas.siro).post(reverse("tenancy:invitation-create"), {
        "full_name": "Again", "email": personas.dpo.email, "roles": ["staff"],
    })
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


def test_trust_admin_may_invite_only_where_there_is_no_siro(personas, login):
    new_school = SchoolFactory(name="Willow Junior", slug="willow",
                               organisation=personas.school.organisation)
    client = login(personas.trust_admin)
    assert client.get(reverse("tenancy:invitation-create")).status_code == 403  # Oakfield
    client.post(reverse("tenancy:school-switch"), {"school": "willow"})
    assert client.get(reverse("tenancy:invitation-create")).status_code == 200
    response = client.post(reverse("tenancy:invitation-create"), {
        "full_name": "Head", "email": "head@willow.example", "roles": ["siro"],
    })
    assert response.status_code == 302
    assert Invitation.objects.filter(school=new_school, roles=["siro"]).exists()


def test_siro_withdraws_an_invitation(personas, login):
    invitation, _ = invitation_create(school=personas.school, email="x@example.org",
                                      full_name="", roles=["staff"], actor=personas.siro)
    client = login(personas.siro)
    url = reverse("tenancy:invitation-revoke", args=[invitation.public_id])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_another_schools_invitation_is_404(personas, login):
    invitation, _ = invitation_create(school=personas.other_school, email="x@example.org",
                                      full_name="", roles=["staff"], actor=personas.outsider)
    response = login(personas.siro).post(
        reverse("tenancy:invitation-revoke", args=[invitation.public_id])
    )
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# ---------------------------------------------------------------- editing and deactivating


def test_siro_changes_a_members_roles(personas, login):
    target = member(personas, "staff")
    client = login(personas.siro)
    url = reverse("tenancy:member-edit", args=[target.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="checkbox"' in page.content.decode()
    response = client.post(url, {"roles": ["staff", "data_admin"], "version": "1"})
    assert response.status_code == 302
    assert set(target.roles.values_list("role", flat=True)) == {"staff", "data_admin"}


def test_removing_the_last_siro_shows_why(personas, login):
    target = member(personas, "siro")
    response = login(personas.siro).post(
        reverse("tenancy:member-edit", args=[target.public_id]),
        {"roles": ["staff"], "version": str(target.version)},
    )
    assert response.status_code == 200
    assert "must keep a SIRO" in response.content.decode()


def test_siro_deactivates_a_member_after_confirming(personas, login):
    target = member(personas, "governor")
    client = login(personas.siro)
    url = reverse("tenancy:member-deactivate", args=[target.public_id])
    page = client.get(url)
    assert page.status_code == 200
    target.refresh_from_db()
    assert target.is_active  # GET changes nothing
    assert client.post(url).status_code == 302
    target.refresh_from_db()
    assert not target.is_active


def test_another_schools_member_is_404(personas, login):
    outsider = Membership.objects.get(user=personas.outsider)
    client = login(personas.siro)
    for name in ("tenancy:member-edit", "tenancy:member-deactivate"):
        url = reverse(name, args=[outsider.public_id])
        assert client.get(url).status_code == 404
        assert client.post(url, {"roles": ["staff"], "version": "1"}).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active
    assert set(outsider.roles.values_list("role", flat=True)) == {"siro"}


@pytest.mark.parametrize("persona", ["auditor", "trust_admin", "dpo", "staff"])
def test_roles_that_may_not_manage_get_403_on_writes(personas, login, persona):
    target = member(personas, "governor")
    invitation, _ = invitation_create(school=personas.school, email="x@example.org",
                                      full_name="", roles=["staff"], actor=personas.siro)
    client = login(personas.users[persona])
    writes = [
        (reverse("tenancy:member-edit", args=[target.public_id]),
         {"roles": ["siro"], "version": "1"}),
        (reverse("tenancy:member-deactivate", args=[target.public_id]), {}),
        (reverse("tenancy:invitation-create"),
         {"full_name": "X", "email": "y@example.org", "roles": ["siro"]}),
        (reverse("tenancy:invitation-revoke", args=[invitation.public_id]), {}),
        (reverse("tenancy:school-settings"),
         {"idle_timeout_minutes": "200", "incident_reporting_instructions": "", "version": "1"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    target.refresh_from_db()
    invitation.refresh_from_db()
    personas.school.refresh_from_db()
    assert target.is_active
    assert set(target.roles.values_list("role", flat=True)) == {"governor"}
    assert invitation.revoked_at is None
    assert not Invitation.objects.filter(email="y@example.org").exists()
    assert personas.school.idle_timeout_minutes == 15
