"""The systems services: validation naming the field, audit events with before and after,
names unique per school ignoring case, versions, archiving, the catalogue, who may write."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.systems import selectors, services
from schoolkeep.systems.models import System
from schoolkeep.systems.tests.records import make_asset, make_person, make_system


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# ---------------------------------------------------------------------------- create


def test_create_tidies_folds_and_audits(personas: Personas) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    system = make_system(personas, name="  Parent   Mail ", supplier=" ParentMail  Ltd ",
                         kind="messaging", mfa_required=True, auto_logoff_minutes="15",
                         auto_logoff_checked_on="2025-01-10", administrators=[ada])
    system.refresh_from_db()
    assert system.name == "Parent Mail" and system.name_key == "parent mail"
    assert system.supplier == "ParentMail Ltd"
    assert system.auto_logoff_minutes == 15
    assert system.auto_logoff_checked_on == date(2025, 1, 10)
    assert list(system.administrators.all()) == [ada]
    assert system.version == 1 and system.catalogue_key == ""
    (event,) = events("systems.system.created")
    assert event.school_id == personas.school.pk and event.actor_id == personas.it_lead.pk
    assert event.target_id == str(system.public_id)
    assert event.changes["name"] == {"before": None, "after": "Parent Mail"}
    assert event.changes["kind"] == {"before": None, "after": "messaging"}
    assert event.changes["administrators"] == {"before": None, "after": [str(ada.public_id)]}


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "   "}, "name"),
    ({"kind": "mainframe"}, "kind"),
    ({"auto_logoff_minutes": 0}, "auto_logoff_minutes"),
    ({"auto_logoff_minutes": 2000}, "auto_logoff_minutes"),
    ({"auto_logoff_minutes": "ten"}, "auto_logoff_minutes"),
    ({"auto_logoff_checked_on": "31/02/2025"}, "auto_logoff_checked_on"),
    ({"auto_logoff_checked_on": date.today() + timedelta(days=3)}, "auto_logoff_checked_on"),
    ({"mfa_enabled": "yes"}, "mfa_enabled"),
    ({"supplier": "x" * 201}, "supplier"),
    ({"colour": "blue"}, "colour"),
])
def test_invalid_input_names_the_field_and_saves_nothing(personas: Personas, fields,
                                                         field) -> None:
    values = {"name": "SIMS", **fields}
    with pytest.raises(DomainError) as caught:
        services.system_create(school=personas.school, actor=personas.it_lead, **values)
    assert caught.value.field == field
    assert caught.value.message
    assert not System.objects.exists()
    assert not events("systems.system.created")


def test_names_are_unique_per_school_ignoring_case_and_spacing(personas: Personas) -> None:
    make_system(personas, name="Parent Mail")
    with pytest.raises(DomainError) as caught:
        make_system(personas, name="parent   MAIL")
    assert caught.value.field == "name"
    assert "Parent Mail" in caught.value.message
    # Another school may use the name.
    other = services.system_create(school=personas.other_school, actor=personas.outsider,
                                   name="Parent Mail")
    assert other.school == personas.other_school


def test_an_archived_name_may_be_used_again(personas: Personas) -> None:
    old = make_system(personas, name="Egress")
    services.system_archive(system=old, actor=personas.siro)
    new = make_system(personas, name="EGRESS")
    assert new.pk != old.pk
    assert System.objects.filter(name_key="egress").count() == 2


def test_administrators_must_be_people_of_the_school(personas: Personas) -> None:
    stranger = make_person(personas.other_school, "Hilda Hillside")
    with pytest.raises(DomainError) as caught:
        make_system(personas, administrators=[stranger])
    assert caught.value.field == "administrators"
    with pytest.raises(DomainError):
        make_system(personas, administrators=[personas.siro])  # a user, not a person
    assert not System.objects.exists()


@pytest.mark.parametrize("persona", ["siro", "dpo", "it_lead"])
def test_managers_may_write(personas: Personas, persona: str) -> None:
    system = services.system_create(school=personas.school, actor=getattr(personas, persona),
                                    name="CPOMS")
    assert system.pk


@pytest.mark.parametrize("persona", ["iao", "business_manager", "data_admin", "staff",
                                     "governor", "auditor", "trust_admin", "outsider"])
def test_others_are_refused_every_write(personas: Personas, persona: str) -> None:
    actor = getattr(personas, persona)
    with pytest.raises(NotAllowed):
        services.system_create(school=personas.school, actor=actor, name="CPOMS")
    system = make_system(personas)
    with pytest.raises(NotAllowed):
        services.system_update(system=system, actor=actor, version=1, notes="Mine")
    with pytest.raises(NotAllowed):
        services.system_archive(system=system, actor=actor)
    with pytest.raises(NotAllowed):
        services.system_add_from_catalogue(school=personas.school, actor=actor, key="cpoms")
    system.refresh_from_db()
    assert system.version == 1 and system.archived_at is None and system.notes == ""


def test_the_command_line_and_demo_act_without_a_user(personas: Personas) -> None:
    system = services.system_create(school=personas.school, actor=None, name="FMS")
    (event,) = events("systems.system.created")
    assert event.actor_id is None and event.target_id == str(system.public_id)


# ---------------------------------------------------------------------------- update


def test_update_audits_only_what_changed(personas: Personas) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    bea = make_person(personas.school, "Bea Brown")
    system = make_system(personas, administrators=[ada])
    updated = services.system_update(system=system, actor=personas.dpo, version=1,
                                     mfa_enabled=True, administrators=[bea, ada], notes="x")
    assert updated.version == 2
    assert {p.full_name for p in updated.administrators.all()} == {"Ada Lovelace", "Bea Brown"}
    (event,) = events("systems.system.updated")
    assert event.actor_id == personas.dpo.pk
    assert event.changes == {
        "administrators": {"before": [str(ada.public_id)],  # by id, never a name
                           "after": [str(ada.public_id), str(bea.public_id)]},
        "mfa_enabled": {"before": False, "after": True},
        "notes": {"before": "", "after": "x"},
    }


def test_an_update_that_changes_nothing_keeps_the_version(personas: Personas) -> None:
    system = make_system(personas, supplier="Capita")
    same = services.system_update(system=system, actor=personas.it_lead, version=1,
                                  supplier=" Capita ", name="SIMS")
    assert same.version == 1
    assert not events("systems.system.updated")


def test_a_stale_version_is_refused(personas: Personas) -> None:
    system = make_system(personas)
    services.system_update(system=system, actor=personas.it_lead, version=1, notes="first")
    with pytest.raises(StaleVersion) as caught:
        services.system_update(system=system, actor=personas.siro, version=1, notes="second")
    assert caught.value.field == "version"
    system.refresh_from_db()
    assert system.notes == "first" and system.version == 2


def test_renaming_onto_another_system_is_refused(personas: Personas) -> None:
    make_system(personas, name="SIMS")
    fms = make_system(personas, name="FMS")
    with pytest.raises(DomainError) as caught:
        services.system_update(system=fms, actor=personas.it_lead, version=1, name="sims")
    assert caught.value.field == "name"
    fms.refresh_from_db()
    assert fms.name == "FMS"


def test_update_validates_like_create(personas: Personas) -> None:
    system = make_system(personas)
    with pytest.raises(DomainError) as caught:
        services.system_update(system=system, actor=personas.it_lead, version=1,
                               auto_logoff_minutes=-5)
    assert caught.value.field == "auto_logoff_minutes"
    with pytest.raises(DomainError) as caught:
        services.system_update(system=system, actor=personas.it_lead, version=1,
                               administrators=[make_person(personas.other_school, "Hal")])
    assert caught.value.field == "administrators"


# ---------------------------------------------------------------------------- archive


def test_archive_keeps_the_record_and_its_history(personas: Personas) -> None:
    system = make_system(personas)
    make_asset(personas.school, "Core pupil data", system)
    archived = services.system_archive(system=system, actor=personas.siro)
    assert archived.archived_at is not None and archived.version == 2
    assert System.objects.filter(pk=system.pk).exists()
    assert archived.assets.count() == 1
    (event,) = events("systems.system.archived")
    assert event.changes["archived_at"]["before"] is None
    assert event.changes["archived_at"]["after"]
    # Again: nothing more happens.
    services.system_archive(system=archived, actor=personas.siro)
    assert len(events("systems.system.archived")) == 1
    # An archived system is not changed.
    with pytest.raises(DomainError):
        services.system_update(system=archived, actor=personas.siro, version=2, notes="late")
    assert not selectors.system_list(school=personas.school).exists()
    assert selectors.system_list(school=personas.school, include_archived=True).count() == 1


# ---------------------------------------------------------------------------- catalogue


def test_add_from_catalogue_copies_what_the_policy_says(personas: Personas) -> None:
    cpoms = services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                               key="cpoms")
    assert cpoms.name == "CPOMS" and cpoms.catalogue_key == "cpoms"
    assert cpoms.kind == System.Kind.SAFEGUARDING and cpoms.mfa_required
    assert not cpoms.mfa_enabled
    assert "Child Protection Online Management System" in cpoms.description
    (event,) = events("systems.system.created")
    assert event.changes["catalogue_key"] == {"before": None, "after": "cpoms"}
    jkcloud = services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                                 key="jkcloud")
    assert jkcloud.supplier == "JKCloud" and "data centres" in jkcloud.hosting


def test_a_catalogue_entry_is_added_once(personas: Personas) -> None:
    services.system_add_from_catalogue(school=personas.school, actor=personas.dpo, key="rdp")
    with pytest.raises(DomainError) as caught:
        services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                           key="rdp")
    assert caught.value.field == "key" and "already" in caught.value.message
    # A system the school added itself under the same name counts too.
    make_system(personas, name="sims")
    with pytest.raises(DomainError):
        services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                           key="sims")
    assert System.objects.filter(school=personas.school).count() == 2


def test_an_unknown_catalogue_key_is_refused(personas: Personas) -> None:
    with pytest.raises(DomainError) as caught:
        services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                           key="mainframe")
    assert caught.value.field == "key"


def test_an_archived_catalogue_system_may_be_added_again(personas: Personas) -> None:
    first = services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                               key="egress")
    services.system_archive(system=first, actor=personas.dpo)
    again = services.system_add_from_catalogue(school=personas.school, actor=personas.dpo,
                                               key="egress")
    assert again.pk != first.pk


# ---------------------------------------------------------------------------- selectors


def test_list_filters_and_counts_current_assets(personas: Personas) -> None:
    sims = make_system(personas, name="SIMS", kind="mis", supplier="Capita")
    make_system(personas, name="CPOMS", kind="safeguarding")
    make_asset(personas.school, "Core pupil data", sims)
    make_asset(personas.school, "Attendance", sims)
    make_asset(personas.school, "Old data", sims, archived_at=timezone.now())
    other = services.system_create(school=personas.other_school, actor=personas.outsider,
                                   name="SIMS")
    make_asset(personas.other_school, "Their data", other)

    listed = list(selectors.system_list(school=personas.school))
    assert [s.name for s in listed] == ["CPOMS", "SIMS"]
    assert [s.asset_count for s in listed] == [0, 2]
    assert [s.name for s in selectors.system_list(school=personas.school, kind="mis")] == \
        ["SIMS"]
    assert [s.name for s in selectors.system_list(school=personas.school, search="capi")] == \
        ["SIMS"]
    assert [s.name for s in selectors.system_list(school=personas.school, search=" cp ")] == \
        ["CPOMS"]


def test_system_for_page_is_scoped_to_the_school(personas: Personas) -> None:
    from django.http import Http404

    system = make_system(personas)
    assert selectors.system_for_page(school=personas.school, public_id=system.public_id) == \
        system
    with pytest.raises(Http404):
        selectors.system_for_page(school=personas.other_school, public_id=system.public_id)
    with pytest.raises(Http404):
        selectors.system_for_page(school=personas.school, public_id="not-a-uuid")
