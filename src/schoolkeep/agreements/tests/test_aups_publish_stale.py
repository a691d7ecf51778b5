"""Publishing a draft another manager changed meanwhile (issue 12, finding 5): the publish
page carries the draft's version it showed, and a draft changed since is not published; the
refusal names who changed it, and the choice made on the form is kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.fixtures import opened_version, own_browser
from tests.personas import Personas

from schoolkeep.agreements.aups.models import AupVersion
from schoolkeep.agreements.aups.services import draft_save, version_publish
from schoolkeep.agreements.tests.test_aups_services import staff_aup
from schoolkeep.lib.errors import StaleVersion

pytestmark = pytest.mark.django_db


def test_a_draft_changed_after_the_publish_page_opened_is_not_published(
        personas: Personas) -> None:
    aup = staff_aup(personas)
    version_publish(draft=AupVersion.objects.get(aup=aup), actor=personas.siro,
                    requires_everyone_to_sign=True)
    draft = draft_save(aup=aup, actor=personas.siro, text="Lock your screen.")
    publish = reverse("agreements:version-publish", args=[draft.public_id])
    editing = reverse("agreements:draft-edit", args=[aup.public_id])
    siro, manager = own_browser(personas.siro), own_browser(personas.business_manager)
    read_version = opened_version(manager, publish)

    # The SIRO changes the draft while the business manager reads the publish page.
    assert siro.post(editing, {"text": "Leave your screen unlocked.",
                               "version": str(draft.version)}).status_code == 302

    response = manager.post(publish, {"version": read_version, "who_signs": "new_signers"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this draft" in html and str(personas.siro) in html
    # The choice made is kept on the form.
    assert 'value="new_signers" required id="id_who_signs_1" checked' in html
    draft.refresh_from_db()
    aup.refresh_from_db()
    assert draft.is_draft and aup.current_number == 1

    # Reopened, the page shows the text as it now stands and publishes it.
    assert "Leave your screen unlocked." in manager.get(publish).content.decode()
    assert manager.post(publish, {"version": opened_version(manager, publish),
                                  "who_signs": "everyone"}).status_code == 302
    aup.refresh_from_db()
    assert aup.current_number == 2


def test_the_first_version_carries_its_version_too(personas: Personas) -> None:
    aup = staff_aup(personas)
    draft = AupVersion.objects.get(aup=aup)
    publish = reverse("agreements:version-publish", args=[draft.public_id])
    siro, manager = own_browser(personas.siro), own_browser(personas.business_manager)
    html = manager.get(publish).content.decode()
    assert f'name="version" value="{draft.version}"' in html
    read_version = opened_version(manager, publish)
    assert siro.post(reverse("agreements:draft-edit", args=[aup.public_id]),
                     {"text": "Changed", "version": str(draft.version)}).status_code == 302
    response = manager.post(publish, {"version": read_version, "who_signs": "everyone"})
    assert response.status_code == 200
    assert "Someone else changed this draft" in response.content.decode()
    assert AupVersion.objects.get(pk=draft.pk).is_draft


def test_a_post_without_the_version_publishes_nothing(personas: Personas) -> None:
    aup = staff_aup(personas)
    draft = AupVersion.objects.get(aup=aup)
    publish = reverse("agreements:version-publish", args=[draft.public_id])
    response = own_browser(personas.siro).post(publish, {"who_signs": "everyone"})
    assert response.status_code == 200
    assert AupVersion.objects.get(pk=draft.pk).is_draft


def test_the_service_compares_the_draft_version(personas: Personas) -> None:
    aup = staff_aup(personas)
    draft = AupVersion.objects.get(aup=aup)
    changed = draft_save(aup=aup, actor=personas.siro, text="Changed", version=draft.version)
    with pytest.raises(StaleVersion) as refused:
        version_publish(draft=draft, actor=personas.business_manager,
                        requires_everyone_to_sign=True, version=draft.version)
    assert str(personas.siro) in refused.value.message
    assert AupVersion.objects.get(pk=draft.pk).is_draft
    version_publish(draft=draft, actor=personas.business_manager,
                    requires_everyone_to_sign=True, version=changed.version)
    assert not AupVersion.objects.get(pk=draft.pk).is_draft


def test_a_draft_started_while_another_manager_was_starting_one_is_not_overwritten(
        personas: Personas) -> None:
    aup = staff_aup(personas)
    version_publish(draft=AupVersion.objects.get(aup=aup), actor=personas.siro,
                    requires_everyone_to_sign=True)
    editing = reverse("agreements:draft-edit", args=[aup.public_id])
    siro, manager = own_browser(personas.siro), own_browser(personas.business_manager)
    # Both open the page when there is no draft (no version on the form).
    assert siro.get(editing).context["form"]["version"].value() is None
    assert manager.get(editing).context["form"]["version"].value() is None
    assert siro.post(editing, {"text": "The SIRO's draft", "version": ""}).status_code == 302
    response = manager.post(editing, {"text": "The manager's draft", "version": ""})
    assert response.status_code == 200
    assert "Someone else changed this" in response.content.decode()
    assert AupVersion.objects.get(aup=aup, published_at__isnull=True).text == "The SIRO's draft"
