"""The report-a-concern page's address: made when a handler sets it up (never by a GET),
replaced on request (the old one stops working), audited without the token; its settings
page and its one-page QR poster."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents import poster
from schoolkeep.incidents.models import ConcernPage
from schoolkeep.incidents.report.concern import (
    concern_page_by_token,
    concern_page_for,
    concern_page_replace,
    concern_page_set_up,
    concern_page_url,
)
from schoolkeep.lib.errors import NotAllowed


def test_the_page_is_made_once_with_a_random_address(personas: Personas):
    page = concern_page_for(personas.school)
    assert len(page.token) == 22  # secrets.token_urlsafe(16)
    assert concern_page_for(personas.school) == page
    other = concern_page_for(personas.other_school)
    assert other.token != page.token
    assert ConcernPage.objects.count() == 2
    event = AuditEvent.objects.get(action="incidents.concern_page.created",
                                   school=personas.school)
    assert page.token not in str(event.changes)


def test_replacing_the_address_stops_the_old_one(personas: Personas):
    old = concern_page_for(personas.school).token
    page = concern_page_replace(school=personas.school, actor=personas.dpo)
    assert page.token != old and len(page.token) == 22 and page.replaced_at is not None
    assert concern_page_by_token(old) is None
    assert concern_page_by_token(page.token) == page
    event = AuditEvent.objects.get(action="incidents.concern_page.replaced")
    assert event.actor_id == personas.dpo.pk
    assert old not in str(event.changes) and page.token not in str(event.changes)


@pytest.mark.parametrize("persona", ["staff", "auditor", "governor", "outsider"])
def test_only_the_siro_and_dpo_replace_the_address(personas: Personas, persona):
    old = concern_page_for(personas.school).token
    with pytest.raises(NotAllowed):
        concern_page_replace(school=personas.school, actor=personas.users[persona])
    assert concern_page_for(personas.school).token == old


def test_malformed_tokens_are_not_found(personas: Personas):
    concern_page_for(personas.school)
    assert concern_page_by_token("") is None
    assert concern_page_by_token("x" * 65) is None


def test_opening_the_settings_page_writes_nothing_until_the_page_is_set_up(
        personas: Personas, login):
    client = login(personas.siro)
    settings_url = reverse("incidents:concern-settings")
    html = client.get(settings_url).content.decode()
    assert "Your school does not have this page yet" in html
    assert 'name="set_up"' in html and "Give the page a new address" not in html
    poster_page = client.get(reverse("incidents:concern-poster")).content.decode()
    assert "Your school does not have this page yet" in poster_page
    assert f'action="{settings_url}"' in poster_page
    assert not ConcernPage.objects.filter(school=personas.school).exists()
    assert not AuditEvent.objects.filter(action="incidents.concern_page.created").exists()
    response = client.post(settings_url, {"set_up": "1"})
    assert response.status_code == 302 and response["Location"] == settings_url
    page = client.get(settings_url).content.decode()
    assert "The report-a-concern page is set up" in page
    assert concern_page_url(ConcernPage.objects.get(school=personas.school)) in page
    event = AuditEvent.objects.get(action="incidents.concern_page.created")
    assert event.actor_id == personas.siro.pk
    # Setting it up again changes nothing.
    client.post(settings_url, {"set_up": "1"})
    assert AuditEvent.objects.filter(action="incidents.concern_page.created").count() == 1


@pytest.mark.parametrize("persona", ["staff", "auditor"])
def test_only_handlers_set_up_the_page(personas: Personas, persona):
    with pytest.raises(NotAllowed):
        concern_page_set_up(school=personas.school, actor=personas.users[persona])
    assert not ConcernPage.objects.exists()


def test_the_settings_page_shows_the_full_address_its_qr_code_and_the_poster(
        personas: Personas, login):
    concern_page_set_up(school=personas.school, actor=personas.siro)
    page = login(personas.siro).get(reverse("incidents:concern-settings")).content.decode()
    concern = ConcernPage.objects.get(school=personas.school)
    url = f"{settings.BASE_URL}/report/{concern.token}/"
    assert concern_page_url(concern) == url
    assert url in page
    assert '<svg viewBox="' in page and "QR code of the page" in page
    assert reverse("incidents:concern-poster") in page
    assert "Give the page a new address" in page


def test_replacing_needs_the_box_ticked(personas: Personas, login):
    old = concern_page_for(personas.school).token
    response = login(personas.dpo).post(reverse("incidents:concern-settings"), {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert concern_page_for(personas.school).token == old


def test_the_dpo_replaces_the_address_from_the_settings_page(personas: Personas, login):
    old = concern_page_for(personas.school).token
    client = login(personas.dpo)
    response = client.post(reverse("incidents:concern-settings"), {"confirm": "on"})
    assert response.status_code == 302
    new = ConcernPage.objects.get(school=personas.school).token
    assert new != old
    page = client.get(response["Location"]).content.decode()
    assert "The page has a new address" in page and new in page and old not in page


def test_the_poster_html_has_the_qr_code_the_address_and_the_plain_words(personas: Personas):
    url = concern_page_url(concern_page_for(personas.school))
    html = poster.poster_html(school=personas.school, url=url)
    assert f'src="{poster.qr_svg_data_uri(url)}"' in html
    assert "data:image/svg+xml" in html
    assert f'<p class="poster-url">{url}</p>' in html
    assert ("Worried that personal data has been lost, sent to the wrong person or seen by "
            "someone who should not? Tell us.") in html
    assert "Oakfield Primary" in html


def test_the_poster_is_one_printable_page(personas: Personas, login):
    from weasyprint import CSS, HTML

    concern_page_set_up(school=personas.school, actor=personas.siro)
    response = login(personas.siro).get(reverse("incidents:concern-poster"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    url = concern_page_url(concern_page_for(personas.school))
    document = HTML(string=poster.poster_html(school=personas.school, url=url)).render(
        stylesheets=[CSS(string=poster.POSTER_CSS)])
    assert len(document.pages) == 1
