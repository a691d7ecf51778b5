"""The rules' services: who may set and reset a cell, what a rule may name, versions, and
the audit (a trust's change in every school of the trust, naming where it is not in
force)."""

from __future__ import annotations

import pytest
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.systems.services import system_create
from schoolkeep.transfers.models import TransferRule
from schoolkeep.transfers.rules import services
from schoolkeep.transfers.rules.resolve import cell_for, key_of

CELL = {"data_kind": "staff", "recipient": "school"}


@pytest.mark.parametrize("persona", ["siro", "dpo"])
def test_the_siro_and_dpo_set_a_cell_and_it_is_audited(personas: Personas,
                                                       persona: str) -> None:
    rule = services.transfer_rule_set(school=personas.school, actor=personas.users[persona],
                                      answer="channels", channels=["egress", "egress"],
                                      note=" Named contact only. ", version=0, **CELL)
    assert rule.channels == ["egress"] and rule.note == "Named contact only."
    assert rule.updated_by_label == str(personas.users[persona])
    event = AuditEvent.objects.get(action="transfers.rule.changed")
    assert event.target_id == "staff/school"
    assert event.changes["source"] == {"before": "none", "after": "school"}
    assert event.changes["channels"] == {"before": [], "after": ["egress"]}


@pytest.mark.parametrize("persona", ["business_manager", "it_lead", "auditor", "staff",
                                     "trust_admin", "outsider"])
def test_others_may_not_set_or_reset(personas: Personas, persona: str) -> None:
    with pytest.raises(NotAllowed):
        services.transfer_rule_set(school=personas.school, actor=personas.users[persona],
                                   answer="ask_dpo", version=0, **CELL)
    services.transfer_rule_set(school=personas.school, actor=None, answer="ask_dpo",
                               version=0, **CELL)
    with pytest.raises(NotAllowed):
        services.transfer_rule_reset(school=personas.school, actor=personas.users[persona],
                                     **CELL)


def test_what_a_school_rule_may_name(personas: Personas) -> None:
    own = system_create(school=personas.school, actor=None, name="County Mail",
                        is_transfer_channel=True)
    plain = system_create(school=personas.school, actor=None, name="Parent App")
    other = system_create(school=personas.other_school, actor=None, name="Their Mail",
                          is_transfer_channel=True)
    names = services.school_channel_names(personas.school)
    assert names[key_of(own)] == "County Mail" and "egress" in names
    assert key_of(plain) not in names and key_of(other) not in names
    rule = services.transfer_rule_set(school=personas.school, actor=None, answer="channels",
                                      channels=[key_of(own), "anycomms"], version=0, **CELL)
    assert rule.channels == [str(own.public_id), "anycomms"]
    for bad in ([key_of(plain)], [key_of(other)], ["sims"], ["nonsense"]):
        with pytest.raises(DomainError) as error:
            services.transfer_rule_set(school=personas.school, actor=None,
                                       answer="channels", channels=bad, version=1, **CELL)
        assert error.value.field == "channels"


def test_answers_and_cells_are_checked(personas: Personas) -> None:
    school = personas.school
    with pytest.raises(DomainError) as error:
        services.transfer_rule_set(school=school, actor=None, answer="channels", channels=[],
                                   version=0, **CELL)
    assert error.value.field == "channels"
    with pytest.raises(DomainError) as error:
        services.transfer_rule_set(school=school, actor=None, answer="maybe", version=0,
                                   **CELL)
    assert error.value.field == "answer"
    with pytest.raises(DomainError) as error:
        services.transfer_rule_set(school=school, actor=None, data_kind="secrets",
                                   recipient="school", answer="ask_dpo", version=0)
    assert error.value.field == "data_kind"
    # "Ask the DPO" keeps no channels.
    rule = services.transfer_rule_set(school=school, actor=None, answer="ask_dpo",
                                      channels=["egress"], version=0, **CELL)
    assert rule.channels == []
    assert not TransferRule.objects.filter(school=personas.other_school).exists()


def test_versions_refuse_a_stale_edit_and_a_no_change_is_no_change(personas: Personas) -> None:
    school = personas.school
    rule = services.transfer_rule_set(school=school, actor=personas.siro, answer="ask_dpo",
                                      version=0, **CELL)
    assert rule.version == 1
    with pytest.raises(StaleVersion) as error:
        services.transfer_rule_set(school=school, actor=personas.dpo, answer="channels",
                                   channels=["egress"], version=0, **CELL)
    assert f": {personas.siro}, on " in error.value.message
    same = services.transfer_rule_set(school=school, actor=None, answer="ask_dpo", version=1,
                                      **CELL)
    assert same.version == 1
    assert AuditEvent.objects.filter(action="transfers.rule.changed").count() == 1
    changed = services.transfer_rule_set(school=school, actor=None, answer="channels",
                                         channels=["egress"], version=1, **CELL)
    assert changed.version == 2
    services.transfer_rule_reset(school=school, actor=personas.dpo, **CELL)
    with pytest.raises(StaleVersion):  # the rule it read is gone
        services.transfer_rule_set(school=school, actor=None, answer="ask_dpo", version=2,
                                   **CELL)
    with pytest.raises(DomainError):  # nothing left to reset
        services.transfer_rule_reset(school=school, actor=None, **CELL)


def test_a_school_rule_equal_to_the_default_is_still_the_schools_own(personas: Personas) -> None:
    cell = {"data_kind": "ctf_pupil_file", "recipient": "school"}
    services.transfer_rule_set(school=personas.school, actor=None, answer="channels",
                               channels=["dfe-s2s"], version=0, **cell)
    assert cell_for(personas.school, **cell).source == "school"
    event = AuditEvent.objects.get(action="transfers.rule.changed")
    assert set(event.changes) == {"source"}


def test_a_trust_rule_is_set_by_its_administrator_and_audited_in_every_school(
        personas: Personas) -> None:
    trust = personas.school.organisation
    willow = SchoolFactory(name="Willow Primary", slug="willow", organisation=trust)
    services.transfer_rule_set(school=willow, actor=None, answer="ask_dpo", version=0, **CELL)
    for persona in ("siro", "dpo", "outsider"):
        with pytest.raises(NotAllowed):
            services.trust_transfer_rule_set(organisation=trust,
                                             actor=personas.users[persona],
                                             answer="ask_dpo", version=0, **CELL)
    own = system_create(school=personas.school, actor=None, name="County Mail",
                        is_transfer_channel=True)
    with pytest.raises(DomainError) as error:  # a trust names catalogue channels only
        services.trust_transfer_rule_set(organisation=trust, actor=personas.trust_admin,
                                         answer="channels", channels=[key_of(own)],
                                         version=0, **CELL)
    assert error.value.field == "channels"
    services.trust_transfer_rule_set(organisation=trust, actor=personas.trust_admin,
                                     answer="channels", channels=["egress"], version=0,
                                     **CELL)
    assert cell_for(personas.school, **CELL).source == "trust"
    assert cell_for(willow, **CELL).source == "school"
    events = AuditEvent.objects.filter(action="transfers.rule.organisation_changed")
    labels = {event.school_id: event.target_label for event in events}
    assert set(labels) == {personas.school.pk, willow.pk}
    assert "not in force here" in labels[willow.pk]
    assert "not in force" not in labels[personas.school.pk]
    with pytest.raises(StaleVersion) as stale:
        services.trust_transfer_rule_set(organisation=trust, actor=personas.trust_admin,
                                         answer="ask_dpo", version=0, **CELL)
    # The member who changed it last is named (their name opened from under their key).
    assert f": {personas.trust_admin}, on " in stale.value.message
    after = services.trust_transfer_rule_reset(organisation=trust,
                                               actor=personas.trust_admin, **CELL)
    assert after.source == "none"
    assert AuditEvent.objects.filter(action="transfers.rule.organisation_reset").count() == 2
    with pytest.raises(DomainError):
        services.trust_transfer_rule_reset(organisation=trust, actor=None, **CELL)


def test_a_note_with_a_nul_character_is_refused(personas: Personas) -> None:
    for set_rule, where in (
            (services.transfer_rule_set, {"school": personas.school}),
            (services.trust_transfer_rule_set,
             {"organisation": personas.school.organisation})):
        with pytest.raises(DomainError) as error:
            set_rule(**where, actor=None, answer="ask_dpo", note="Initials\x00 only",
                     version=0, **CELL)
        assert error.value.field == "note"
    assert not TransferRule.objects.exists()
