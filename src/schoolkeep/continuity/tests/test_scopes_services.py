"""The rules the scopes' services keep: names unique among scopes in use (case and spacing
ignored), a cloud system once, Schoolkeep's scope made only by Schoolkeep and never
archived, one provider at a time, another school's person, system or scope refused, a
typed provider added to the register of organisations (audited), read-only roles refused,
nothing written on a refusal, and a change that changes nothing saves nothing."""

from __future__ import annotations

import pytest
from tests.personas import Personas

from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.audit.models import AuditEvent
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes import services
from schoolkeep.continuity.tests.scopes_records import make_scope, make_set
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.services import person_create
from schoolkeep.systems.services import system_create

pytestmark = pytest.mark.django_db


def refused(field: str, func, **kwargs) -> DomainError:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as caught:
        func(**kwargs)
    assert caught.value.field == field, caught.value
    return caught.value


def test_scope_rules(personas: Personas) -> None:
    school = personas.school
    system = system_create(school=school, actor=None, name="Arbor")
    theirs = system_create(school=personas.other_school, actor=None, name="Their MIS")
    make_scope(school, "Admin network")
    refused("name", services.scope_create, school=school, actor=None, kind="other",
            name="  admin   NETWORK")
    refused("kind", services.scope_create, school=school, actor=None, kind="schoolkeep",
            name="Ours")
    refused("kind", services.scope_create, school=school, actor=None, kind="nonsense",
            name="Ours")
    refused("system", services.scope_create, school=school, actor=None,
            kind="cloud_system", system=theirs)
    services.scope_create(school=school, actor=None, kind="cloud_system", system=system)
    refused("system", services.scope_create, school=school, actor=None,
            kind="cloud_system", system=system, name="Arbor again")
    stranger = person_create(school=personas.other_school, actor=None, full_name="Stranger",
                             kind="support")
    refused("owner", services.scope_create, school=school, actor=None, kind="other",
            name="Phones", owner=stranger)
    assert Scope.objects.filter(school=school).count() == 2


def test_schoolkeeps_scope_stays(personas: Personas) -> None:
    ensure_install_sets([personas.school.pk])
    scope = Scope.objects.get(kind="schoolkeep")
    refused("scope", services.scope_archive, scope=scope, actor=None)
    archive = BackupSet.objects.get(install_copy="archive")
    refused("set", services.set_retire, backup_set=archive, actor=None)
    refused("set", services.set_update, backup_set=archive, actor=None,
            version=archive.version, offline=True)


def test_set_rules(personas: Personas) -> None:
    school = personas.school
    system = system_create(school=school, actor=None, name="JKCloud", kind="backup")
    base = {"school": school, "actor": None, "name": "Cloud", "medium": "cloud",
            "location": "Data centre"}
    refused("provider_name", services.set_create, **base, provider_system=system,
            provider_name="RedStor")
    refused("location", services.set_create, **{**base, "location": "  "})
    refused("medium", services.set_create, **{**base, "medium": "floppy"})
    theirs = make_scope(personas.other_school, "Theirs")
    refused("scopes", services.set_create, **base, scopes=[theirs])
    refused("colour", services.set_create, **base, colour="blue")
    assert not BackupSet.objects.exists() and not OutsideOrganisation.objects.exists()
    made = services.set_create(**base, provider_name="RedStor")
    assert made.provider_organisation.name == "RedStor"
    assert AuditEvent.objects.filter(action="assets.organisation.created").count() == 1
    # Changing to a system replaces the organisation; the same values again save nothing.
    services.set_update(backup_set=made, actor=None, version=1, provider_system=system,
                        provider_name="")
    made.refresh_from_db()
    assert (made.provider_system, made.provider_organisation, made.version) == (system, None, 2)
    services.set_update(backup_set=made, actor=None, version=2, name="Cloud")
    assert BackupSet.objects.get().version == 2


def test_read_only_roles_are_refused(personas: Personas) -> None:
    school = personas.school
    with pytest.raises(NotAllowed):
        services.scope_create(school=school, actor=personas.auditor, kind="other",
                              name="Phones")
    backup_set = make_set(school, "Tapes", scopes=[])
    with pytest.raises(NotAllowed):
        services.set_retire(backup_set=backup_set, actor=personas.dpo)
    with pytest.raises(NotAllowed):
        services.settings_update(school=school, actor=personas.trust_admin, version=1,
                                 check_window_days=10)
    assert BackupSet.objects.get().retired_at is None


def test_changing_a_set_keeps_its_links_to_archived_scopes(personas: Personas) -> None:
    school = personas.school
    kept = make_scope(school, "Kept", kind="other")
    gone = make_scope(school, "Gone", kind="other")
    added = make_scope(school, "Added", kind="other")
    backup_set = make_set(school, "NAS", scopes=[kept, gone])
    services.scope_archive(scope=gone, actor=None)
    backup_set.refresh_from_db()
    # The edit form offers only scopes in use: it posts Kept and Added.
    services.set_update(backup_set=backup_set, actor=None, version=backup_set.version,
                        scopes=[kept, added])
    assert set(backup_set.scopes.values_list("name", flat=True)) == {"Kept", "Gone", "Added"}
    assert gone.backup_sets.filter(pk=backup_set.pk).exists()
    event = AuditEvent.objects.filter(action="continuity.set.updated").latest("pk")
    assert "Added" in str(event.changes) and "Gone" in str(event.changes)  # before and after
