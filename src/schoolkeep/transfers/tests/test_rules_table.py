"""The defaults shipped from the policy, for every kind of data and every recipient (all 64
cells): ``rules_table`` and the rules page say the same; a cell the policy names has its
channels and the policy's sentence, every other cell is "ask the DPO". And the precedence:
the school's own rule, else the trust's, else the policy's, else "ask the DPO"."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.systems.catalogue import BY_KEY
from schoolkeep.systems.services import system_add_from_catalogue
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.defaults import DEFAULT_RULES, reminders_for
from schoolkeep.transfers.rules.resolve import (
    DEFAULT,
    NONE,
    SCHOOL,
    TRUST,
    answer_for,
    cell_for,
    is_approved,
    rules_table,
    trust_table,
)
from schoolkeep.transfers.rules.services import transfer_rule_set, trust_transfer_rule_set

CELLS = [(kind, recipient) for kind in DataKind.values for recipient in Recipient.values]
ROW = re.compile(r'<tr data-cell="(?P<cell>[a-z_]+/[a-z_]+)">(?P<body>.*?)</tr>', re.S)


def page_cells(html: str) -> dict[tuple[str, str], str]:
    """Each row of the page's tables as plain text, by its cell."""
    found = {}
    for match in ROW.finditer(html):
        kind, recipient = match["cell"].split("/")
        text = html_lib.unescape(re.sub(r"<[^>]+>", " ", match["body"]))
        found[(kind, recipient)] = " ".join(text.split())
    return found


def test_there_are_64_cells_and_the_defaults_only_name_catalogue_channels() -> None:
    assert len(CELLS) == 64
    for (kind, recipient), rule in DEFAULT_RULES.items():
        assert kind in DataKind.values and recipient in Recipient.values
        assert rule.channels and rule.policy
        for key in rule.channels:
            assert BY_KEY[key].transfer_channel, key


def test_the_policy_cells_it_names(db) -> None:
    table = trust_table(None)
    assert table[(DataKind.CTF_PUPIL_FILE, Recipient.SCHOOL)].channel_keys == ("dfe-s2s",)
    assert table[(DataKind.ADMISSIONS_FILE, Recipient.LOCAL_AUTHORITY)].channel_keys == (
        "anycomms",)
    assert table[(DataKind.REFERENCES_REPORTS, Recipient.SCHOOL)].channel_keys == (
        "uso-fx2", "egress")
    assert table[(DataKind.SAFEGUARDING, Recipient.SOCIAL_CARE)].channel_keys == ("egress",)
    assert table[(DataKind.STAFF, Recipient.SUPPLIER)].channel_keys == ("autoupdate",)
    # "USO-FX2 ... to transfer other data to schools in London": Egress outside London.
    assert table[(DataKind.OTHER, Recipient.SCHOOL)].channel_keys == ("uso-fx2", "egress")
    assert table[(DataKind.OTHER, Recipient.SCHOOL)].source == DEFAULT
    assert table[(DataKind.OTHER, Recipient.PARENTS)].source == NONE
    assert table[(DataKind.CTF_PUPIL_FILE, Recipient.PARENTS)].answer == "ask_dpo"


@pytest.mark.parametrize(("kind", "recipient"), CELLS, ids=lambda v: str(v))
def test_each_default_cell(personas: Personas, kind: str, recipient: str) -> None:
    cell = rules_table(personas.school)[(kind, recipient)]
    assert cell == cell_for(personas.school, kind, recipient)
    default = DEFAULT_RULES.get((kind, recipient))
    if default is None:
        assert (cell.source, cell.answer, cell.channel_keys) == (NONE, "ask_dpo", ())
    else:
        assert (cell.source, cell.answer) == (DEFAULT, "channels")
        assert cell.channel_keys == default.channels and cell.policy == default.policy
    answer = answer_for(personas.school, kind, recipient)
    assert answer.ask_dpo  # nothing is in the register yet
    assert answer.reminders == reminders_for(kind)


def test_the_page_and_rules_table_agree_on_all_64_cells(personas: Personas, login) -> None:
    system_add_from_catalogue(school=personas.school, actor=None, key="egress")
    transfer_rule_set(school=personas.school, actor=None, data_kind="other",
                      recipient="parents", answer="channels", channels=["secure-email"],
                      note="Initials only.", version=0)
    trust_transfer_rule_set(organisation=personas.school.organisation, actor=None,
                            data_kind="staff", recipient="school", answer="channels",
                            channels=["egress"], version=0)
    shown = page_cells(login(personas.dpo).get(reverse("transfers:rules")).content.decode())
    table = rules_table(personas.school)
    assert set(shown) == set(CELLS)
    sources = {SCHOOL: "This school", TRUST: "The trust", DEFAULT: "The policy",
               NONE: "Not set"}
    for key, cell in table.items():
        text = shown[key]
        assert sources[cell.source] in text, key
        if cell.answer == TransferRule.Answer.ASK_DPO:
            assert "Ask the DPO" in text, key
        for channel in cell.channel_keys:
            assert BY_KEY[channel].name in text, key
            assert ("Not in the register" in text) == any(
                k != "egress" for k in cell.channel_keys), key
        if cell.policy:
            assert cell.policy in text
    assert "Initials only." in shown[("other", "parents")]


def test_the_school_rule_wins_over_the_trust_which_wins_over_the_policy(
        personas: Personas) -> None:
    school = personas.school
    kind, recipient = DataKind.CTF_PUPIL_FILE, Recipient.SCHOOL
    assert cell_for(school, kind, recipient).source == DEFAULT
    trust_transfer_rule_set(organisation=school.organisation, actor=None, data_kind=kind,
                            recipient=recipient, answer="channels", channels=["egress"],
                            version=0)
    assert cell_for(school, kind, recipient).channel_keys == ("egress",)
    assert rules_table(school)[(kind, recipient)].source == TRUST
    # Another school of no trust still follows the policy.
    assert cell_for(personas.other_school, kind, recipient).source == DEFAULT
    transfer_rule_set(school=school, actor=None, data_kind=kind, recipient=recipient,
                      answer="ask_dpo", version=0)
    cell = cell_for(school, kind, recipient)
    assert (cell.source, cell.answer, cell.channel_keys) == (SCHOOL, "ask_dpo", ())
    assert rules_table(school)[(kind, recipient)] == cell
    # The trust's table is unchanged by the school's own rule.
    assert trust_table(school.organisation_id)[(kind, recipient)].source == TRUST


def test_approval_follows_the_register_and_the_cell(personas: Personas) -> None:
    school = personas.school
    s2s = system_add_from_catalogue(school=school, actor=None, key="dfe-s2s")
    egress = system_add_from_catalogue(school=school, actor=None, key="egress")
    assert is_approved(school, "ctf_pupil_file", "school", s2s)
    assert not is_approved(school, "ctf_pupil_file", "school", egress)
    assert not is_approved(school, "ctf_pupil_file", "school", None)
    answer = answer_for(school, "ctf_pupil_file", "school")
    assert not answer.ask_dpo and [c.system for c in answer.usable] == [s2s]
    assert answer.usable[0].instructions == BY_KEY["dfe-s2s"].transfer_instructions
