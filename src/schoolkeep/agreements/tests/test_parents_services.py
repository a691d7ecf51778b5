"""Writing parents: create, update (with the version read) and archive, each audited;
e-mails unique among the school's current parents; only those who manage AUPs may write."""

from __future__ import annotations

import pytest
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.agreements.parents.services import parent_archive, parent_create, parent_update
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion


def test_create_tidies_and_audits(personas: Personas) -> None:
    parent = parent_create(school=personas.school, actor=personas.business_manager,
                           full_name="  Ann   Smith ", email=" Ann.Smith@Example.COM ",
                           classes="Year 3,  5B")
    assert (parent.full_name, parent.email, parent.classes) == (
        "Ann Smith", "ann.smith@example.com", "Year 3, 5B")
    assert parent.name_key == "ann smith" and parent.email_key == "ann.smith@example.com"
    event = AuditEvent.objects.get(action="agreements.parent.created")
    assert event.actor_id == personas.business_manager.pk
    # A parent's values are sealed under their key in the trail (audit.sealing).
    assert "Ann Smith" not in str(event.changes)
    assert open_event(event).changes["full_name"] == {"before": None, "after": "Ann Smith"}


@pytest.mark.parametrize(("fields", "field"), [
    ({"full_name": " "}, "full_name"),
    ({"full_name": "A" * 201}, "full_name"),
    ({"full_name": "Ann", "email": "not-an-email"}, "email"),
    ({"full_name": "Ann", "classes": "x" * 201}, "classes"),
])
def test_bad_input_names_the_field_and_writes_nothing(personas: Personas, fields: dict,
                                                      field: str) -> None:
    with pytest.raises(DomainError) as error:
        parent_create(school=personas.school, actor=personas.siro, **fields)
    assert error.value.field == field
    assert not Parent.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="agreements.parent").exists()


def test_email_is_unique_among_current_parents(personas: Personas) -> None:
    ann = parent_create(school=personas.school, actor=personas.siro, full_name="Ann",
                        email="ann@example.com")
    with pytest.raises(DomainError) as error:
        parent_create(school=personas.school, actor=personas.siro, full_name="Other",
                      email="ANN@example.com")
    assert error.value.field == "email"
    # Another school may have the same address; an archived parent frees it.
    parent_create(school=personas.other_school, actor=personas.outsider, full_name="Ann",
                  email="ann@example.com")
    parent_archive(parent=ann, actor=personas.siro)
    parent_create(school=personas.school, actor=personas.siro, full_name="New Ann",
                  email="ann@example.com")


def test_only_managers_write(personas: Personas) -> None:
    for persona in ("staff", "auditor", "dpo", "governor"):
        with pytest.raises(NotAllowed):
            parent_create(school=personas.school, actor=personas.users[persona],
                          full_name="Ann")
    parent = parent_create(school=personas.school, actor=None, full_name="Ann")  # the CLI
    with pytest.raises(NotAllowed):
        parent_archive(parent=parent, actor=personas.auditor)
    with pytest.raises(NotAllowed):
        parent_update(parent=parent, actor=personas.outsider, version=1, full_name="Bob")


def test_update_checks_the_version_and_audits_only_changes(personas: Personas) -> None:
    parent = parent_create(school=personas.school, actor=personas.siro, full_name="Ann",
                           classes="Year 3")
    same = parent_update(parent=parent, actor=personas.siro, version=1, full_name="Ann",
                         classes="Year 3")
    assert same.version == 1
    assert not AuditEvent.objects.filter(action="agreements.parent.updated").exists()
    changed = parent_update(parent=parent, actor=personas.siro, version=1,
                            full_name="Ann Smith", classes="Year 4")
    assert changed.version == 2 and changed.name_key == "ann smith"
    event = AuditEvent.objects.get(action="agreements.parent.updated")
    assert open_event(event).changes == {"full_name": {"before": "Ann", "after": "Ann Smith"},
                             "classes": {"before": "Year 3", "after": "Year 4"}}
    with pytest.raises(StaleVersion):
        parent_update(parent=parent, actor=personas.siro, version=1, full_name="Late")


def test_archive_once_and_then_frozen(personas: Personas) -> None:
    parent = parent_create(school=personas.school, actor=personas.siro, full_name="Ann")
    archived = parent_archive(parent=parent, actor=personas.siro)
    assert archived.archived_at is not None
    parent_archive(parent=parent, actor=personas.siro)
    assert AuditEvent.objects.filter(action="agreements.parent.archived").count() == 1
    with pytest.raises(DomainError):
        parent_update(parent=archived, actor=personas.siro, version=archived.version,
                      full_name="Changed")
