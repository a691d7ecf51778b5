"""Setting up acceptable use policies, their settings, drafts and publishing."""

from __future__ import annotations

import hashlib

import pytest
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion
from schoolkeep.agreements.aups.services import (
    MAX_TEXT_LENGTH,
    aup_create,
    aup_update,
    aups_set_up,
    draft_save,
    version_publish,
)
from schoolkeep.agreements.aups.starting_texts import starting_text
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def staff_aup(personas: Personas) -> Aup:
    return next(a for a in aups_set_up(school=personas.school, actor=personas.siro)
                if a.audience == Audience.STAFF)


def test_set_up_creates_the_standard_audiences_with_drafts_once(personas: Personas) -> None:
    aups = aups_set_up(school=personas.school, actor=personas.business_manager)
    assert [a.audience for a in aups] == ["staff", "governors", "parents", "visitors"]
    assert aups[0].title == "Acceptable use policy for staff"
    for aup in aups:
        draft = AupVersion.objects.get(aup=aup)
        assert draft.number == 1 and draft.is_draft
        assert draft.text == starting_text(aup.audience)
        assert draft.content_hash == sha(draft.text)
        assert not aup.is_published and aup.sign_from == 0
    again = aups_set_up(school=personas.school, actor=personas.siro)
    assert [a.pk for a in again] == [a.pk for a in aups]
    assert Aup.objects.count() == 4 and AupVersion.objects.count() == 4
    assert AuditEvent.objects.filter(action="agreements.aup.created").count() == 4


def test_pupils_are_added_on_request_once(personas: Personas) -> None:
    aup = aup_create(school=personas.school, actor=personas.siro, audience="pupils")
    assert aup.title == "Acceptable use policy for pupils"
    assert AupVersion.objects.get(aup=aup).text == starting_text("pupils")
    with pytest.raises(DomainError) as error:
        aup_create(school=personas.school, actor=personas.siro, audience="pupils")
    assert error.value.field == "audience"
    with pytest.raises(DomainError):
        aup_create(school=personas.school, actor=personas.siro, audience="aliens")


@pytest.mark.parametrize("persona", ["staff", "dpo", "auditor", "governor"])
def test_only_managers_set_up_and_write(personas: Personas, persona: str) -> None:
    actor = personas.users[persona]
    with pytest.raises(NotAllowed):
        aups_set_up(school=personas.school, actor=actor)
    aup = staff_aup(personas)
    with pytest.raises(NotAllowed):
        draft_save(aup=aup, actor=actor, text="x")
    with pytest.raises(NotAllowed):
        version_publish(draft=AupVersion.objects.get(aup=aup), actor=actor,
                        requires_everyone_to_sign=True)
    with pytest.raises(NotAllowed):
        aup_update(aup=aup, actor=actor, title="T", link_valid_days=5, version=aup.version)
    assert not AupVersion.objects.filter(published_at__isnull=False).exists()


def test_an_outsider_cannot_write_to_another_school(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        aups_set_up(school=personas.school, actor=personas.outsider)
    assert not Aup.objects.exists()


def test_settings_are_changed_and_a_stale_version_is_refused(personas: Personas) -> None:
    aup = staff_aup(personas)
    updated = aup_update(aup=aup, actor=personas.siro, title="  Staff   AUP ",
                         link_valid_days="14", version=1)
    assert (updated.title, updated.link_valid_days, updated.version) == ("Staff AUP", 14, 2)
    event = AuditEvent.objects.get(action="agreements.aup.updated")
    assert event.changes["link_valid_days"] == {"before": 30, "after": 14}
    with pytest.raises(StaleVersion):
        aup_update(aup=aup, actor=personas.siro, title="Other", link_valid_days=7, version=1)
    for days in (0, 366, "many", True):
        with pytest.raises(DomainError) as error:
            aup_update(aup=aup, actor=personas.siro, title="T", link_valid_days=days, version=2)
        assert error.value.field == "link_valid_days"
    with pytest.raises(DomainError) as error:
        aup_update(aup=aup, actor=personas.siro, title=" ", link_valid_days=7, version=2)
    assert error.value.field == "title"


def test_draft_is_edited_with_its_hash_and_version_checked(personas: Personas) -> None:
    aup = staff_aup(personas)
    draft = draft_save(aup=aup, actor=personas.siro, text="# Rules\r\n\r\nBe safe.\r\n",
                       summary_of_changes="Shorter", version=1)
    assert draft.number == 1 and draft.text == "# Rules\n\nBe safe."
    assert draft.content_hash == sha("# Rules\n\nBe safe.") and draft.version == 2
    with pytest.raises(StaleVersion):
        draft_save(aup=aup, actor=personas.siro, text="Other", version=1)
    assert AupVersion.objects.get(pk=draft.pk).text == "# Rules\n\nBe safe."
    assert AuditEvent.objects.filter(action="agreements.draft.updated").count() == 1


@pytest.mark.parametrize(("text", "message"), [
    ("", "Enter the text"), ("   \n\n ", "Enter the text"),
    ("x" * (MAX_TEXT_LENGTH + 1), "50,000 characters or fewer"),
])
def test_empty_or_too_long_text_is_refused(personas: Personas, text: str, message: str) -> None:
    aup = staff_aup(personas)
    with pytest.raises(DomainError) as error:
        draft_save(aup=aup, actor=personas.siro, text=text)
    assert error.value.field == "text" and message in error.value.message
    assert AupVersion.objects.get(aup=aup).text == starting_text("staff")


def test_text_of_exactly_the_limit_is_kept(personas: Personas) -> None:
    aup = staff_aup(personas)
    draft = draft_save(aup=aup, actor=personas.siro, text="x" * MAX_TEXT_LENGTH)
    assert len(draft.text) == MAX_TEXT_LENGTH


def test_publishing_fixes_the_text_and_the_next_draft_is_a_new_version(
        personas: Personas) -> None:
    aup = staff_aup(personas)
    first = AupVersion.objects.get(aup=aup)
    # A first version always needs everyone, whatever was chosen.
    published = version_publish(draft=first, actor=personas.siro,
                                requires_everyone_to_sign=False)
    aup.refresh_from_db()
    assert published.published_at is not None and published.requires_everyone_to_sign
    assert published.published_by_label == str(personas.siro)
    assert (aup.current_number, aup.sign_from) == (1, 1)
    with pytest.raises(DomainError):
        version_publish(draft=published, actor=personas.siro, requires_everyone_to_sign=True)
    # Saving now starts version 2; version 1 never changes.
    second = draft_save(aup=aup, actor=personas.siro, text="Version two")
    assert second.number == 2 and second.is_draft
    published.refresh_from_db()
    assert published.text == starting_text("staff")
    assert published.content_hash == sha(starting_text("staff"))
    # A form opened on a draft that has been published since is stale, not a new draft.
    version_publish(draft=second, actor=personas.siro, requires_everyone_to_sign=True)
    with pytest.raises(StaleVersion):
        draft_save(aup=aup, actor=personas.siro, text="Late edit", version=second.version)
    assert AupVersion.objects.filter(aup=aup).count() == 2


def test_major_version_moves_sign_from_and_minor_one_does_not(personas: Personas) -> None:
    aup = staff_aup(personas)
    version_publish(draft=AupVersion.objects.get(aup=aup), actor=personas.siro,
                    requires_everyone_to_sign=True)
    minor = draft_save(aup=aup, actor=personas.siro, text="Typo fixed")
    version_publish(draft=minor, actor=personas.siro, requires_everyone_to_sign=False)
    aup.refresh_from_db()
    assert (aup.current_number, aup.sign_from) == (2, 1)
    major = draft_save(aup=aup, actor=personas.siro, text="New rules")
    version_publish(draft=major, actor=personas.siro, requires_everyone_to_sign=True)
    aup.refresh_from_db()
    assert (aup.current_number, aup.sign_from) == (3, 3)
    event = AuditEvent.objects.filter(action="agreements.version.published").order_by("-id")[0]
    assert event.changes["number"] == 3 and event.changes["requires_everyone_to_sign"] is True
    assert event.changes["sign_from"] == {"before": 1, "after": 3}
