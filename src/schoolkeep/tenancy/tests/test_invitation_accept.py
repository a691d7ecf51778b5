"""The /join/ page: anyone holding a valid link can use it once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from schoolkeep.tenancy.models import Invitation, Membership
from schoolkeep.tenancy.services import invitation_create, invitation_revoke

PASSWORD = "a-long-and-unusual-passphrase-42"


def invite(personas, email="nia@example.org", roles=("staff",)):
    return invitation_create(school=personas.school, email=email, full_name="Nia Cole",
                             roles=list(roles), actor=personas.siro)


def test_anonymous_visitor_accepts_and_is_sent_to_sign_in(personas, client):
    _invitation, token = invite(personas)
    url = reverse("join:accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Join Oakfield Primary" in html
    assert 'value="Nia Cole"' in html
    response = client.post(url, {"full_name": "Nia Cole", "password1": PASSWORD,
                                 "password2": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("You have joined Oakfield Primary" in note for note in notes)
    user = get_user_model().objects.get(email="nia@example.org")
    assert user.check_password(PASSWORD) and user.is_active
    assert Membership.objects.filter(user=user, school=personas.school, is_active=True).exists()


def test_the_two_passwords_must_match(personas, client):
    _invitation, token = invite(personas)
    response = client.post(reverse("join:accept", args=[token]), {
        "full_name": "Nia Cole", "password1": PASSWORD, "password2": PASSWORD + "!",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert not Membership.objects.filter(user__email="nia@example.org").exists()


def test_a_weak_password_is_shown_on_the_password_field(personas, client):
    _invitation, token = invite(personas)
    response = client.post(reverse("join:accept", args=[token]), {
        "full_name": "Nia Cole", "password1": "12345678", "password2": "12345678",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]


def test_a_used_link_is_gone(personas, client):
    _invitation, token = invite(personas)
    url = reverse("join:accept", args=[token])
    client.post(url, {"full_name": "Nia Cole", "password1": PASSWORD, "password2": PASSWORD})
    again = client.get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert client.post(url, {"full_name": "X", "password1": PASSWORD,
                             "password2": PASSWORD}).status_code == 410


def test_an_expired_or_withdrawn_link_is_gone(personas, client):
    expired, expired_token = invite(personas, email="late@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    response = client.get(reverse("join:accept", args=[expired_token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()

    withdrawn, withdrawn_token = invite(personas, email="gone@example.org")
    invitation_revoke(invitation=withdrawn, actor=personas.siro)
    response = client.get(reverse("join:accept", args=[withdrawn_token]))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_an_unknown_link_is_404(db, client):
    response = client.get(reverse("join:accept", args=["no-such-invitation"]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_someone_with_an_account_joins_without_a_password(personas, client):
    _invitation, token = invite(personas, email=personas.outsider.email, roles=["governor"])
    url = reverse("join:accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert 'type="password"' not in page.content.decode()
    assert client.post(url, {}).status_code == 302
    membership = Membership.objects.get(user=personas.outsider, school=personas.school)
    assert set(membership.roles.values_list("role", flat=True)) == {"governor"}
