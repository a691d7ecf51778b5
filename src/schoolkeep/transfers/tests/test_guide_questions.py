"""Asking the DPO and their answer: the one-button form, the e-mails (a link, never the
details nor the answer), the DPO's absence, a question asked twice, the answer once, who
may read a question, the audit trail, the lists (open first) and their query counts."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.tenancy.models import Membership
from schoolkeep.transfers.guide.services import (
    transfer_question_answer,
    transfer_question_ask,
)
from schoolkeep.transfers.models import DataKind, Recipient, TransferQuestion

pytestmark = pytest.mark.django_db

GUIDE = reverse("transfers:guide")
ASK = reverse("transfers:question-create")
LIST = reverse("transfers:question-list")
DETAILS = "The Year 4 SENCo file for J.B. and his speech therapy notes"
ANSWER = "Send it by Egress to the therapist's NHS address, initials only."


def _detail(question: TransferQuestion) -> str:
    return reverse("transfers:question-detail", args=[question.public_id])


def _answer_url(question: TransferQuestion) -> str:
    return reverse("transfers:question-answer", args=[question.public_id])


def _ask(personas: Personas, user: Any = None, **fields: Any) -> TransferQuestion:
    cell = {"data_kind": DataKind.SEN, "recipient": Recipient.SUPPLIER, **fields}
    return transfer_question_ask(school=personas.school, actor=user or personas.staff,
                                 send_email=False, **cell)


def test_a_member_asks_the_dpo_in_one_click_and_sees_it_sent(
        personas: Personas, login, django_capture_on_commit_callbacks) -> None:
    client = login(personas.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ASK, {"data_kind": "sen", "recipient": "supplier",
                                     "details": DETAILS})
    assert response.status_code == 302
    assert response["Location"] == f"{GUIDE}?data_kind=sen&recipient=supplier"
    question = TransferQuestion.objects.get(school=personas.school)
    assert (question.asked_by, question.details, question.answered_at) == (
        personas.staff, DETAILS, None)
    page = client.get(response["Location"]).content.decode()
    assert "Sent to the DPO." in page
    assert "Your questions to the DPO (1)" in page
    assert "How to send SEN information to a supplier" in page and "Waiting" in page


def test_the_dpo_is_emailed_a_link_never_the_details(
        personas: Personas, login, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.staff).post(ASK, {"data_kind": "sen", "recipient": "supplier",
                                         "details": DETAILS})
    question = TransferQuestion.objects.get()
    [message] = mail.outbox
    assert message.to == [personas.dpo.email]
    text = f"{message.subject}\n{message.body}"
    assert _detail(question) in message.body
    assert personas.school.name in message.subject
    for secret in ("J.B.", "SENCo", "speech", "SEN information", "supplier",
                   personas.staff.full_name):
        assert secret not in text


def test_without_a_dpo_the_siro_is_emailed(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    Membership.objects.filter(user=personas.dpo, school=personas.school).update(
        is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_question_ask(school=personas.school, actor=personas.staff,
                              data_kind=DataKind.OTHER, recipient=Recipient.POLICE)
    [message] = mail.outbox
    assert message.to == [personas.siro.email]


def test_the_same_open_question_is_not_asked_twice(personas: Personas, login) -> None:
    _ask(personas)
    response = login(personas.staff).post(ASK, {"data_kind": "sen", "recipient": "supplier"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "You have already asked the DPO about this" in page
    assert "<title>Error: How do I send this?" in page
    assert TransferQuestion.objects.count() == 1
    _ask(personas, recipient=Recipient.HEALTH)  # another recipient is another question
    _ask(personas, user=personas.governor)  # and another member may ask the same
    assert TransferQuestion.objects.count() == 3


def test_a_question_without_its_cell_is_refused(personas: Personas, login) -> None:
    response = login(personas.staff).post(ASK, {"details": "No choices"})
    assert response.status_code == 200
    assert "Choose what you want to send." in response.content.decode()
    assert not TransferQuestion.objects.exists()
    with pytest.raises(DomainError) as refused:
        _ask(personas, recipient="the press")
    assert refused.value.field == "recipient"


def test_the_auditor_may_not_ask(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        _ask(personas, user=personas.auditor)


def test_asking_and_answering_are_audited_without_their_words(personas: Personas) -> None:
    question = _ask(personas, details=DETAILS)
    transfer_question_answer(school=personas.school, question=question, actor=personas.dpo,
                             answer=ANSWER, send_email=False)
    events = {event.action: event for event in AuditEvent.objects.filter(
        school=personas.school, action__startswith="transfers.question.")}
    assert set(events) == {"transfers.question.asked", "transfers.question.answered"}
    recorded = str([event.changes for event in events.values()])
    assert "J.B." not in recorded and "Egress" not in recorded
    assert events["transfers.question.asked"].changes["details"] == "given"


def test_the_dpo_answers_and_the_asker_is_emailed_a_link_only(
        personas: Personas, login, django_capture_on_commit_callbacks) -> None:
    question = _ask(personas, details=DETAILS)
    client = login(personas.dpo)
    page = client.get(_detail(question)).content.decode()
    assert DETAILS in page and "Send the answer" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_answer_url(question), {"answer": ANSWER})
    assert response.status_code == 302 and response["Location"] == _detail(question)
    question.refresh_from_db()
    assert question.answer == ANSWER and question.answered_by_label == str(personas.dpo)
    [message] = mail.outbox
    assert message.to == [personas.staff.email]
    assert _detail(question) in message.body
    assert "Egress" not in f"{message.subject}\n{message.body}"
    assert "J.B." not in f"{message.subject}\n{message.body}"
    asker = login(personas.staff).get(_detail(question)).content.decode()
    assert escape(ANSWER) in asker and "Send the answer" not in asker


def test_an_answer_is_needed_and_given_once(personas: Personas, login) -> None:
    question = _ask(personas)
    client = login(personas.dpo)
    empty = client.post(_answer_url(question), {"answer": "  "})
    assert empty.status_code == 200 and "Write your answer." in empty.content.decode()
    transfer_question_answer(school=personas.school, question=question, actor=personas.siro,
                             answer="First", send_email=False)
    again = client.post(_answer_url(question), {"answer": "Second"})
    page = again.content.decode()
    assert again.status_code == 200
    assert "already answered this question" in page and "error-summary" in page
    question.refresh_from_db()
    assert question.answer == "First"


def test_only_the_asker_and_the_overseers_read_a_question(personas: Personas, login) -> None:
    question = _ask(personas, details=DETAILS)
    for user in (personas.staff, personas.dpo, personas.auditor, personas.business_manager):
        assert login(user).get(_detail(question)).status_code == 200, user
    refused = login(personas.governor).get(_detail(question))
    assert refused.status_code == 403
    assert DETAILS not in refused.content.decode()
    assert login(personas.outsider).get(_detail(question)).status_code == 404


def test_the_question_page_says_what_the_rules_say_now(personas: Personas, login) -> None:
    question = _ask(personas)
    page = login(personas.dpo).get(_detail(question)).content.decode()
    assert "There is still no approved channel the school has set up for this." in page
    assert "change the rule" in page
    asker = login(personas.staff).get(_detail(question)).content.decode()
    assert "change the rule" not in asker and "You will get an e-mail when they do." in asker


def test_the_list_shows_open_questions_first(personas: Personas, login) -> None:
    answered = _ask(personas, recipient=Recipient.HEALTH)
    transfer_question_answer(school=personas.school, question=answered, actor=personas.dpo,
                             answer="Egress", send_email=False)
    older = _ask(personas, recipient=Recipient.POLICE)
    TransferQuestion.objects.filter(pk=older.pk).update(
        asked_at=timezone.now() - timedelta(days=3))
    _ask(personas, recipient=Recipient.PARENTS)
    page = login(personas.dpo).get(LIST).content.decode()
    assert "3 questions, 2 waiting for an answer" in page
    police = page.index("to the police")
    parents = page.index("to parents and carers")
    health = page.index("to health services")
    assert police < parents < health


def test_the_guide_lists_only_the_members_own_questions(personas: Personas, login) -> None:
    _ask(personas, user=personas.governor, recipient=Recipient.POLICE)
    _ask(personas, recipient=Recipient.PARENTS)
    page = login(personas.staff).get(GUIDE).content.decode()
    assert "Your questions to the DPO (1)" in page
    assert "to parents and carers" in page and "to the police" not in page


@pytest.mark.parametrize("url", [LIST, GUIDE], ids=["list", "guide"])
def test_the_lists_cost_the_same_queries_at_3_and_40_questions(
        personas: Personas, login, steady_session: None, django_assert_num_queries,
        url: str) -> None:
    client = login(personas.dpo)
    kinds = [(kind, recipient) for kind in DataKind.values for recipient in Recipient.values]

    def add(cells: list[tuple[str, str]]) -> None:
        for index, (kind, recipient) in enumerate(cells):
            question = _ask(personas, user=personas.dpo, data_kind=kind, recipient=recipient)
            if index % 3 == 0:
                transfer_question_answer(school=personas.school, question=question,
                                         actor=personas.siro, answer="Egress",
                                         send_email=False)

    add(kinds[:3])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(kinds[3:40])
    with django_assert_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert page.count("How to send ") >= (40 if url == LIST else 10)


def test_those_who_only_read_see_the_answer_without_its_actions(personas: Personas,
                                                               login) -> None:
    cell = {"data_kind": "sen", "recipient": "supplier"}
    for reader in (personas.auditor, personas.trust_admin):
        page = login(reader).get(GUIDE, cell).content.decode()
        assert "Ask the DPO before you send it." in page
        assert "Log this transfer" not in page and f'action="{ASK}"' not in page
    page = login(personas.staff).get(GUIDE, cell).content.decode()
    assert f'action="{ASK}"' in page
    assert "Log this transfer" not in page  # not to be sent until the DPO answers


def test_details_and_answers_with_a_nul_character_are_refused(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        transfer_question_ask(school=personas.school, actor=personas.staff,
                              data_kind=DataKind.SEN, recipient=Recipient.SUPPLIER,
                              details="The file\x00", send_email=False)
    assert error.value.field == "details"
    question = transfer_question_ask(school=personas.school, actor=personas.staff,
                                     data_kind=DataKind.SEN, recipient=Recipient.SUPPLIER,
                                     details=DETAILS, send_email=False)
    with pytest.raises(DomainError) as error:
        transfer_question_answer(school=personas.school, question=question,
                                 actor=personas.dpo, answer="Egress\x00", send_email=False)
    assert error.value.field == "answer"
    question.refresh_from_db()
    assert question.answered_at is None and TransferQuestion.objects.count() == 1
