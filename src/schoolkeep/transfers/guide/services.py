"""Questions to the DPO about sending data: "How do I send this?" when the rules name no
approved channel (or the member is still unsure).

- ``transfer_question_ask``: any member who may send data (``transfers.send``) asks about one
  kind of data and one recipient, with optional details (the form asks for no names). The
  question is the DPO's duty (``transfer_questions.question-open``) until answered. Once the
  transaction has committed, the school's DPO(s) are e-mailed a link to the question's page,
  never its details nor what it is about (the e-mail leaves the school); a school without an
  active DPO e-mails its SIRO(s), who own the duty then. A member who already has an open
  question about the same kind and recipient is told so, not asked twice.
- ``transfer_question_answer``: the DPO or SIRO (``transfers.manage``) answers, once; the
  asker is e-mailed a link to the question's page, never the answer.

Both are audited (``transfers.question.asked``, ``transfers.question.answered``) without the
words of the details or the answer. The command line and the demo are trusted callers.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders
from schoolkeep.transfers.models import DataKind, Recipient, TransferQuestion

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "transfers.question.asked": "Question about sending data asked of the DPO",
    "transfers.question.answered": "Question about sending data answered",
}

DETAILS_MAX = 2000
ANSWER_MAX = 5000


def _text(value: Any, *, field: str, label: str, limit: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise DomainError(f"Remove the invisible control character (NUL) from {label}.",
                          field=field)
    if required and not text:
        raise DomainError(f"Write {label}.", field=field)
    if len(text) > limit:
        raise DomainError(f"Keep {label} to {limit:,} characters or fewer.", field=field)
    return text


def dpo_addresses(school: School) -> list[str]:
    """Whom a new question is e-mailed to: the school's active DPO(s), else its SIRO(s)."""
    holders = active_role_holders(school=school, roles=[Role.DPO, Role.SIRO])
    users = holders[Role.DPO] or holders[Role.SIRO]
    return sorted({user.email for user in users if user.email})


def _question_url(question: TransferQuestion) -> str:
    return settings.BASE_URL + reverse("transfers:question-detail", args=[question.public_id])


def _tell_dpo(question_id: int) -> None:
    """E-mail the DPO a link to the new question: not its details, not what it is about."""
    question = TransferQuestion.objects.select_related("school").get(pk=question_id)
    addresses = dpo_addresses(question.school)
    if not addresses:
        logger.warning("A question about sending data at school %s has nobody to tell.",
                       question.school_id)
        return
    school = question.school.name
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}a question about sending data at "
                f"{school}",
        message=(f"A member of staff at {school} has asked the data protection officer how to"
                 " send some data safely.\n\nSign in to read the question and answer it:\n"
                 f"{_question_url(question)}\n"),
        from_email=None, recipient_list=addresses,
    )


def _tell_asker(question_id: int) -> None:
    """E-mail the asker a link to the answer: not the answer itself."""
    question = TransferQuestion.objects.select_related("school", "asked_by").get(pk=question_id)
    asker = question.asked_by
    if asker is None or not asker.is_active or not asker.email:
        return
    school = question.school.name
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}your question about sending data at "
                f"{school} is answered",
        message=(f"The data protection officer at {school} has answered your question about"
                 " sending data.\n\nSign in to read the answer:\n"
                 f"{_question_url(question)}\n"),
        from_email=None, recipient_list=[asker.email],
    )


def transfer_question_ask(*, school: School, actor: Any, data_kind: str, recipient: str,
                          details: str = "", send_email: bool = True) -> TransferQuestion:
    """Ask the DPO how to send ``data_kind`` to ``recipient``. ``send_email=False``: the
    demo, which tells nobody."""
    require_permission(school=school, actor=actor, permission="transfers.send",
                       message="You may not ask the DPO about sending data in this school.")
    if data_kind not in DataKind.values:
        raise DomainError("Choose what you want to send.", field="data_kind")
    if recipient not in Recipient.values:
        raise DomainError("Choose who you want to send it to.", field="recipient")
    details = _text(details, field="details", label="the details", limit=DETAILS_MAX)
    with transaction.atomic():
        if is_user(actor) and TransferQuestion.objects.filter(
                school=school, asked_by=actor, data_kind=data_kind, recipient=recipient,
                answered_at__isnull=True).exists():
            raise DomainError("You have already asked the DPO about this and they have not"
                              " answered yet. You will get an e-mail when they do.")
        question = TransferQuestion(
            school=school, data_kind=data_kind, recipient=recipient, details=details,
            asked_at=timezone.now(), asked_by=actor if is_user(actor) else None,
            asked_by_label=actor_label(actor))
        full_clean_or_error(question)
        question.save()
        audit_record(action="transfers.question.asked", school=school, actor=actor,
                     target=question,
                     changes={"data_kind": data_kind, "recipient": recipient,
                              "details": "given" if details else "none"})
        if send_email:
            pk = question.pk
            transaction.on_commit(lambda: _tell_dpo(pk), robust=True)
    return question


def transfer_question_answer(*, school: School, question: TransferQuestion, actor: Any,
                             answer: str, send_email: bool = True) -> TransferQuestion:
    """Answer an open question (once) and tell the asker."""
    require_permission(school=school, actor=actor, permission="transfers.manage",
                       message="Only the DPO or the SIRO can answer questions about sending"
                               " data.")
    if question.school_id != school.pk:
        raise DomainError("This question belongs to another school.")
    answer = _text(answer, field="answer", label="your answer", limit=ANSWER_MAX,
                   required=True)
    with transaction.atomic():
        question = TransferQuestion.objects.select_for_update().get(pk=question.pk)
        if question.answered_at is not None:
            on = timezone.localtime(question.answered_at)
            raise DomainError(f"{question.answered_by_label} already answered this question"
                              f" on {on.day} {on:%B %Y}.")
        question.answered_at = timezone.now()
        question.answered_by_label = actor_label(actor)
        question.answer = answer
        full_clean_or_error(question)
        question.save(update_fields=["answered_at", "answered_by_label", "answer"])
        audit_record(action="transfers.question.answered", school=school, actor=actor,
                     target=question, changes={"answer": "recorded"})
        if send_email:
            pk = question.pk
            transaction.on_commit(lambda: _tell_asker(pk), robust=True)
    return question
