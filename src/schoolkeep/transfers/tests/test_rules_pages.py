"""The rules pages: the table for readers (transfers.view), a cell's edit and reset for the
SIRO and the DPO (transfers.manage), the warning for a channel not in the register, the
trust's pages for its administrator, and query counts that do not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.systems.services import system_add_from_catalogue, system_create
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules import services
from schoolkeep.transfers.rules.resolve import cell_for

RULES = reverse("transfers:rules")
TRUST = reverse("transfers:trust-rules")


def edit(kind: str = "staff", recipient: str = "school") -> str:
    return reverse("transfers:rule-edit", args=[kind, recipient])


def reset(kind: str = "staff", recipient: str = "school") -> str:
    return reverse("transfers:rule-reset", args=[kind, recipient])


def trust_edit(kind: str = "staff", recipient: str = "school") -> str:
    return reverse("transfers:trust-rule-edit", args=[kind, recipient])


@pytest.mark.parametrize("persona", ["siro", "dpo", "business_manager", "it_lead", "auditor",
                                     "trust_admin"])
def test_readers_see_the_table(personas: Personas, login, persona: str) -> None:
    html = login(personas.users[persona]).get(RULES).content.decode()
    assert "Which channel carries which data" in html
    assert "DfE S2S" in html and "The policy" in html
    assert ("Change<span" in html) == (persona in {"siro", "dpo"})


@pytest.mark.parametrize("persona", ["iao", "dsl", "hr_admin", "data_admin", "staff",
                                     "governor"])
def test_others_get_403(personas: Personas, login, persona: str) -> None:
    assert login(personas.users[persona]).get(RULES).status_code == 403


def test_a_named_channel_missing_from_the_register_is_warned_with_a_link(
        personas: Personas, login) -> None:
    client = login(personas.siro)
    html = client.get(RULES).content.decode()
    assert "Channels the rules name that are not in your register" in html
    assert reverse("systems:catalogue") + "#egress" in html
    for key in ("dfe-s2s", "anycomms", "egress", "uso-fx2", "autoupdate"):
        system_add_from_catalogue(school=personas.school, actor=None, key=key)
    html = client.get(RULES).content.decode()
    assert "Channels the rules name that are not in your register" not in html
    assert "Not in the register" not in html


def test_the_siro_changes_a_cell_and_resets_it(personas: Personas, login) -> None:
    system_add_from_catalogue(school=personas.school, actor=None, key="egress")
    client = login(personas.siro)
    page = client.get(edit())
    assert page.status_code == 200
    assert 'value="egress"' in page.content.decode()
    response = client.post(edit(), {"version": "0", "answer": "channels",
                                    "channels": ["egress"], "note": "Named HR contact only."})
    assert response.status_code == 302 and response.url == RULES
    cell = cell_for(personas.school, "staff", "school")
    assert cell.source == "school" and cell.channel_keys == ("egress",)
    html = client.get(RULES).content.decode()
    assert "Named HR contact only." in html and "This school" in html
    assert client.post(reset()).status_code == 302
    assert cell_for(personas.school, "staff", "school").source == "none"
    assert AuditEvent.objects.filter(action="transfers.rule.reset").count() == 1


def test_errors_and_stale_edits_stay_on_the_form(personas: Personas, login) -> None:
    client = login(personas.dpo)
    response = client.post(edit(), {"version": "0", "answer": "channels"})
    assert response.status_code == 200
    assert "Choose at least one channel" in response.content.decode()
    services.transfer_rule_set(school=personas.school, actor=None, data_kind="staff",
                               recipient="school", answer="ask_dpo", version=0)
    response = client.post(edit(), {"version": "0", "answer": "channels",
                                    "channels": ["egress"]})
    assert response.status_code == 200
    assert "Someone else changed this rule" in response.content.decode()
    assert TransferRule.objects.get(school=personas.school).answer == "ask_dpo"


def test_an_unknown_cell_is_a_404(personas: Personas, login) -> None:
    client = login(personas.siro)
    assert client.get(edit("passwords", "school")).status_code == 404
    assert client.post(reset("staff", "martians")).status_code == 404


def test_the_trust_admin_sets_a_trust_rule_with_catalogue_channels_only(
        personas: Personas, login) -> None:
    own = system_create(school=personas.school, actor=None, name="County Mail")
    own.is_transfer_channel = True
    own.save()
    client = login(personas.trust_admin)
    page = client.get(trust_edit())
    assert page.status_code == 200
    assert str(own.public_id) not in page.content.decode()
    response = client.post(trust_edit(), {"version": "0", "answer": "channels",
                                          "channels": ["egress"]})
    assert response.status_code == 302 and response.url == TRUST
    assert cell_for(personas.school, "staff", "school").source == "trust"
    html = client.get(TRUST).content.decode()
    assert "The trust" in html
    assert client.post(reverse("transfers:trust-rule-reset",
                               args=["staff", "school"])).status_code == 302
    assert cell_for(personas.school, "staff", "school").source == "none"


def _add_rules(school, count: int, start: int) -> None:
    """``count`` channels of the school's own, each named by a rule of the school's."""
    cells = [(kind, recipient) for kind in DataKind.values for recipient in Recipient.values]
    for n in range(start, start + count):
        system = system_create(school=school, actor=None, name=f"Channel {n}",
                               is_transfer_channel=True)
        kind, recipient = cells[n]
        TransferRule.objects.create(school=school, data_kind=kind, recipient=recipient,
                                    answer="channels", channels=[str(system.public_id)])


def test_the_table_query_count_does_not_grow(personas: Personas, login, steady_session,
                                             django_assert_num_queries) -> None:
    client = login(personas.siro)
    _add_rules(personas.school, 3, 0)
    client.get(RULES)  # the session's first request writes its stamps
    with CaptureQueriesContext(connection) as few:
        assert client.get(RULES).status_code == 200
    _add_rules(personas.school, 37, 3)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(RULES)
    html = response.content.decode()
    assert "Channel 0" in html and "Channel 39" in html


def test_names_keep_their_capitals_inside_sentences(personas: Personas, login) -> None:
    client = login(personas.siro)
    html = client.get(edit("sen", "dfe")).content.decode()
    assert "<h1>SEN information to the DfE</h1>" in html
    client.post(edit("ctf_pupil_file", "local_authority"),
                {"version": "0", "answer": "ask_dpo"})
    event = AuditEvent.objects.get(action="transfers.rule.changed")
    assert event.target_label == "Sending CTF pupil file to the local authority"
    table = client.get(RULES).content.decode()
    assert "CTF pupil file to the local authority</span>" in table
