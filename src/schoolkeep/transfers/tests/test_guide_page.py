"""How do I send this?: the answer for every kind of data and recipient of the defaults
(the approved channels with their instructions, or "ask the DPO"), the policy's reminders,
the links onwards, a channel the rule names but the school has not set up, a school's own
rule, and the form's errors."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_add_from_catalogue
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.defaults import DEFAULT_RULES, reminders_for

pytestmark = pytest.mark.django_db

GUIDE = reverse("transfers:guide")
CATALOGUE_CHANNELS = ("dfe-s2s", "anycomms", "egress", "uso-fx2", "autoupdate")
ASK = "Ask the DPO before you send it."
CELLS = [(kind, recipient) for kind in DataKind.values for recipient in Recipient.values]


def instructions(key: str) -> str:
    return f"Sign in to {key} with your own account, then upload the file."


def seed_channels(school: School, keys: tuple[str, ...] = CATALOGUE_CHANNELS) -> None:
    """The catalogue's transfer services in the school's register, as approved channels with
    instructions (the rules' own pages set them; here they are seeded)."""
    for key in keys:
        system = system_add_from_catalogue(school=school, actor=None, key=key)
        System.objects.filter(pk=system.pk).update(is_transfer_channel=True,
                                                   transfer_instructions=instructions(key))


def member(school: School, role: Role = Role.STAFF) -> Client:
    """A browser signed in as a new member of ``school`` holding ``role``."""
    user = UserFactory()
    MembershipFactory(user=user, school=school, roles=[role])
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def ask_guide(client: Client, data_kind: str, recipient: str) -> str:
    response = client.get(GUIDE, {"data_kind": data_kind, "recipient": recipient})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def school() -> School:
    school = SchoolFactory(name="Willow Primary")
    seed_channels(school)
    return school


@pytest.mark.parametrize(("data_kind", "recipient"), CELLS, ids=[f"{k}-{r}" for k, r in CELLS])
def test_the_guide_answers_every_kind_and_recipient_of_the_defaults(
        school: School, data_kind: str, recipient: str) -> None:
    page = ask_guide(member(school), data_kind, recipient)
    default = DEFAULT_RULES.get((data_kind, recipient))
    if default is None:
        assert ASK in page
        assert "No approved channel carries this kind of data" in page
        assert "Send it by" not in page
    else:
        assert ASK not in page
        for key in default.channels:
            assert escape(instructions(key)) in page
        assert escape(default.policy) in page
        if default.note:
            assert escape(default.note) in page
    for reminder in reminders_for(data_kind):
        assert escape(reminder) in page
    # Not sent until the DPO answers: no "Log this transfer" while the answer is to ask.
    assert (f"?data_kind={data_kind}&amp;recipient={recipient}\">Log this transfer" in page) \
        == (default is not None)
    assert "Ask to take material off site" in page
    assert 'action="/transfers/ask/"' in page  # the DPO can always be asked


@pytest.mark.parametrize("data_kind", [DataKind.REFERENCES_REPORTS, DataKind.OTHER])
def test_a_cell_with_two_channels_offers_both_in_the_rules_order(school: School,
                                                                 data_kind: str) -> None:
    # The policy: "USO-FX2 ... to transfer other data to schools in London, such as
    # references, reports of children": other data to a school too, Egress outside London.
    page = ask_guide(member(school), data_kind, Recipient.SCHOOL)
    assert "Send it by one of these approved channels" in page
    assert page.index("<h4>USO-FX2</h4>") < page.index("<h4>Egress</h4>")
    assert "USO-FX2 for schools in London; Egress for a school outside London." in page
    assert ASK not in page
    assert "Log this transfer" in page


def test_asking_the_dpo_offers_no_log_this_transfer(school: School) -> None:
    page = ask_guide(member(school), DataKind.OTHER, Recipient.PARENTS)
    assert ASK in page
    assert "Log this transfer" not in page
    assert "Ask to take material off site" in page


def test_a_channel_the_school_has_not_set_up_means_asking_the_dpo() -> None:
    school = SchoolFactory()
    seed_channels(school, ("egress",))
    client = member(school)
    page = ask_guide(client, DataKind.CTF_PUPIL_FILE, Recipient.SCHOOL)
    assert ASK in page
    assert "The rule names DfE S2S, but the school has not set it up as an approved channel" \
        in page
    assert "Send it by" not in page
    # an archived system, or one not marked as a channel, carries nothing either
    System.objects.filter(school=school, catalogue_key="egress").update(
        is_transfer_channel=False)
    assert ASK in ask_guide(client, DataKind.SEN, Recipient.SCHOOL)


def test_a_channel_without_instructions_says_whom_to_ask(school: School) -> None:
    System.objects.filter(school=school, catalogue_key="egress").update(
        transfer_instructions="")
    page = ask_guide(member(school), DataKind.SEN, Recipient.SCHOOL)
    assert "No instructions are written for Egress yet: ask your IT lead how to use it." in page


def test_the_schools_own_rule_and_its_note_are_the_answer(school: School) -> None:
    TransferRule.objects.create(school=school, data_kind=DataKind.OTHER,
                                recipient=Recipient.PARENTS,
                                answer=TransferRule.Answer.CHANNELS, channels=["egress"],
                                note="Only the parent with parental responsibility.")
    page = ask_guide(member(school), DataKind.OTHER, Recipient.PARENTS)
    assert "This school&#x27;s rule" in page
    assert "Only the parent with parental responsibility." in page
    assert escape(instructions("egress")) in page
    assert ASK not in page


def test_the_bare_guide_asks_the_two_questions_without_errors(school: School) -> None:
    response = member(school).get(GUIDE)
    page = response.content.decode()
    assert "What do you want to send?" in page and "Who are you sending it to?" in page
    assert "error-summary" not in page and "The answer" not in page


def test_one_question_unanswered_is_an_error_on_the_page(school: School) -> None:
    response = member(school).get(GUIDE, {"data_kind": DataKind.SEN})
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page and "Choose who you are sending it to." in page
    assert "<title>Error: How do I send this?" in page
    assert "The answer" not in page


def test_an_unknown_choice_is_an_error_not_a_crash(school: School) -> None:
    page = member(school).get(GUIDE, {"data_kind": "gossip",
                                      "recipient": "school"}).content.decode()
    assert "error-summary" in page and "The answer" not in page



def test_the_answer_page_has_no_duplicate_ids(school: School) -> None:
    page = ask_guide(member(school), DataKind.SEN, Recipient.SUPPLIER)
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'id="ask_details"' in page and 'name="details"' in page
