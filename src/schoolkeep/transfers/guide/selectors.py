"""What the guide's pages read: the questions to the DPO, open ones first (oldest waiting
first, the most urgent), then the answered ones (latest answer first). Each list is one
query for its page (and one to count it): a question carries its people as labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from schoolkeep.tenancy.models import School
from schoolkeep.transfers.models import DataKind, Recipient, TransferQuestion


def _open_first(questions: QuerySet[TransferQuestion]) -> QuerySet[TransferQuestion]:
    return (questions.annotate(answered=Case(When(answered_at__isnull=True, then=Value(0)),
                                             default=Value(1), output_field=IntegerField()))
            .order_by("answered", F("answered_at").desc(), "asked_at", "pk"))


def question_list(*, school: School) -> QuerySet[TransferQuestion]:
    """Every question of the school, open first."""
    return _open_first(TransferQuestion.objects.filter(school=school))


def own_questions(*, school: School, user: Any) -> QuerySet[TransferQuestion]:
    """The questions ``user`` asked in the school, open first."""
    return _open_first(TransferQuestion.objects.filter(school=school, asked_by=user))


def open_count(*, school: School) -> int:
    return TransferQuestion.objects.filter(school=school, answered_at__isnull=True).count()


def in_sentence(label: str) -> str:
    """A choice's label inside a sentence: "Another school" becomes "another school";
    "CTF pupil file" and "SEN information" keep their capitals."""
    initials = label[:2]
    return label if initials.isalpha() and initials.isupper() else label[:1].lower() + label[1:]


def question_title(data_kind: str, recipient: str) -> str:
    """"How to send SEN information to a supplier"."""
    return (f"How to send {in_sentence(DataKind(data_kind).label)} to "
            f"{in_sentence(Recipient(recipient).label)}")


def titled(questions: Iterable[TransferQuestion]) -> list[tuple[TransferQuestion, str]]:
    """Each question with its title, for a list page."""
    return [(question, question_title(question.data_kind, question.recipient))
            for question in questions]
