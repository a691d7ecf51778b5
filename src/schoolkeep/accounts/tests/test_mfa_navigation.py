from allauth.mfa.models import Authenticator
from django.urls import reverse


def test_navigation_is_hidden_until_a_privileged_user_enrols(personas, login):
    Authenticator.objects.filter(user=personas.dpo).delete()
    client = login(personas.dpo)
    page = client.get(reverse("accounts:mfa-required"))
    assert page.status_code == 200
    assert reverse("tenancy:key-contacts") not in page.content.decode()


def test_navigation_is_shown_once_enrolled(personas, login):
    client = login(personas.dpo)
    page = client.get(reverse("accounts:mfa-required"))
    assert reverse("tenancy:key-contacts") in page.content.decode()
