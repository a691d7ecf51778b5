"""Nobody signs a version they were not shown: each signing form carries the number of the
version on screen, and a version published while the signer was reading is refused, with
the new text shown instead (in the application, by link and at the kiosk)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.matrix_parts.kiosk import set_kiosk_pin
from tests.matrix_parts.links import make_parent, published_aup
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Audience, Aup, Signature
from schoolkeep.agreements.signing.links.services import link_issue

Login = Callable[..., Client]
NEWER = "A new version of this policy was published while you were reading it."


def republish(personas: Personas, audience: str, text: str) -> Aup:
    return published_aup(personas, audience, text=text)


def test_in_the_application(personas: Personas, login: Login) -> None:
    aup = published_aup(personas, Audience.STAFF)
    client = login(personas.staff)
    url = reverse("agreements:aup-sign", args=[aup.public_id])
    page = client.get(url).content.decode()
    assert 'name="version_number" value="1"' in page
    assert 'value="Staff Person"' not in page  # the member types their own name
    republish(personas, Audience.STAFF, "# Version two\n\nNew rules.")
    response = client.post(url, {"typed_name": "Staff Person", "agreed": "on",
                                 "version_number": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and NEWER in page
    assert "Version two" in page and 'name="version_number" value="2"' in page
    assert not Signature.objects.exists()
    response = client.post(url, {"typed_name": "Staff Person", "agreed": "on",
                                 "version_number": "2"})
    assert response.status_code == 302
    assert Signature.objects.get().aup_version.number == 2


def test_by_personal_link(personas: Personas, client: Client) -> None:
    aup = published_aup(personas, Audience.PARENTS)
    parent = make_parent(personas, "Pat Parent", "pat@example.com")
    _, token = link_issue(aup=aup, actor=personas.business_manager, channel="email",
                          parent=parent)
    url = reverse("signing:sign", args=[token])
    assert 'name="version_number" value="1"' in client.get(url).content.decode()
    republish(personas, Audience.PARENTS, "# Version two\n\nNew rules.")
    response = client.post(url, {"typed_name": "Pat Parent", "agreed": "on",
                                 "version_number": "1"})
    page = response.content.decode()
    assert NEWER in page and "Version two" in page
    assert not Signature.objects.exists()
    client.post(url, {"typed_name": "Pat Parent", "agreed": "on", "version_number": "2"})
    assert Signature.objects.get().aup_version.number == 2


def test_at_the_kiosk(personas: Personas, login: Login) -> None:
    aup = published_aup(personas, Audience.VISITORS)
    set_kiosk_pin(personas.school)
    client = login(personas.staff)
    client.post(reverse("kiosk:start", args=[aup.public_id]))
    page_url = reverse("kiosk:page")
    assert 'name="version_number" value="1"' in client.get(page_url).content.decode()
    republish(personas, Audience.VISITORS, "# Version two\n\nNew rules.")
    visitor = {"typed_name": "Vera Visitor", "visiting": "Mr Patel", "agreed": "on"}
    page = client.post(page_url, {**visitor, "version_number": "1"}).content.decode()
    assert NEWER in page and "Version two" in page
    assert not Signature.objects.exists()
    client.post(page_url, {**visitor, "version_number": "2"})
    assert Signature.objects.get().aup_version.number == 2
