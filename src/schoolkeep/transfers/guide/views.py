"""Pages of "How do I send this?": the guide (two questions and the answer on the same page,
with the member's own questions to the DPO), asking the DPO, and the questions' list, page
and answer.

Who: the guide is open to those who send data (``transfers.send``: every school role but the
auditor) and to those who only read how the school sends it (``transfers.view``: the auditor
and the trust administrator), who see the answers without the actions. Asking needs
``transfers.send``. A
question's page is open to whoever asked it and to those who see every question
(``transfers.view``); anyone else is refused (403). Answering needs ``transfers.manage``
(the DPO and the SIRO).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest
from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.transfers.guide import selectors, services
from schoolkeep.transfers.guide.forms import AnswerForm, AskForm, GuideForm
from schoolkeep.transfers.models import DataKind, Recipient, TransferQuestion
from schoolkeep.transfers.rules.resolve import answer_for

OWN_PER_PAGE = 10
QUESTIONS_PER_PAGE = 50
GUIDE_FIELDS = ("data_kind", "recipient")


def _guide_query(data: Any) -> str:
    return urlencode({name: data[name] for name in GUIDE_FIELDS if data.get(name)})


def _guide_page(request: SchoolRequest, form: GuideForm,
                ask_form: AskForm | None = None) -> HttpResponse:
    """The guide: the answer when both questions are answered, and the member's own
    questions to the DPO."""
    answer, labels = None, {}
    if form.is_bound and form.is_valid():
        kind, recipient = form.cleaned_data["data_kind"], form.cleaned_data["recipient"]
        answer = answer_for(request.school, kind, recipient)
        labels = {"kind_label": DataKind(kind).label,
                  "recipient_label": Recipient(recipient).label}
        ask_form = ask_form or AskForm(initial=form.cleaned_data)
    own = Paginator(selectors.own_questions(school=request.school, user=request.user),
                    OWN_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "transfers/guide/guide.html", {
        "page_title": "How do I send this?", "form": form, "answer": answer,
        "ask_form": ask_form, "form_failed": bool(ask_form is not None and ask_form.errors),
        "may_send": request.access.can("transfers.send"),
        "page": own, "rows": selectors.titled(own), "query": _guide_query(form.data), **labels})


@school_view("school.view")
@require_GET
def guide(request: SchoolRequest) -> HttpResponse:
    if not (request.access.can("transfers.send") or request.access.can("transfers.view")):
        raise PermissionDenied
    asked = any(name in request.GET for name in GUIDE_FIELDS)
    return _guide_page(request, GuideForm(request.GET if asked else None))


@school_view("transfers.send")
@require_POST
def question_create(request: SchoolRequest) -> HttpResponse:
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_question_ask(school=request.school, actor=request.user,
                                           **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "Sent to the DPO. You will get an e-mail when they"
                                      " answer; your question is listed on this page.")
            return redirect(f"{reverse('transfers:guide')}?{_guide_query(form.cleaned_data)}")
    return _guide_page(request, GuideForm({name: request.POST.get(name, "")
                                           for name in GUIDE_FIELDS}), ask_form=form)


@school_view("transfers.view")
@require_GET
def question_list(request: SchoolRequest) -> HttpResponse:
    page = Paginator(selectors.question_list(school=request.school),
                     QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "transfers/guide/question_list.html", {
        "page_title": "Questions to the DPO", "page": page, "rows": selectors.titled(page),
        "open_count": selectors.open_count(school=request.school)})


def _may_read(request: SchoolRequest, question: TransferQuestion) -> bool:
    return request.access.can("transfers.view") or (
        question.asked_by_id == request.user.pk and request.access.can("transfers.send"))


def _detail_page(request: SchoolRequest, question: TransferQuestion,
                 form: AnswerForm | None = None) -> HttpResponse:
    if not _may_read(request, question):
        return render(request, "error.html", {
            "title": "You cannot read this question",
            "message": "Only the person who asked it, the DPO and those who oversee how the"
                       " school sends data can read a question to the DPO."}, status=403)
    may_answer = question.answered_at is None and request.access.can("transfers.manage")
    return render(request, "transfers/guide/question_detail.html", {
        "page_title": selectors.question_title(question.data_kind, question.recipient),
        "question": question,
        "form": form or (AnswerForm() if may_answer else None), "may_answer": may_answer,
        "may_view_all": request.access.can("transfers.view"),
        "may_manage": request.access.can("transfers.manage"),
        "answer": answer_for(request.school, question.data_kind, question.recipient),
        "guide_query": _guide_query({"data_kind": question.data_kind,
                                     "recipient": question.recipient})})


@school_view("school.view")
@require_GET
def question_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    question = get_for_school_or_404(TransferQuestion, school=request.school,
                                     public_id=public_id)
    return _detail_page(request, question)


@school_view("transfers.manage")
@require_POST
def question_answer(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    question = get_for_school_or_404(TransferQuestion, school=request.school,
                                     public_id=public_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_question_answer(school=request.school, question=question,
                                              actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            told = (f" and {question.asked_by_label} is told by e-mail"
                    if question.asked_by_id else "")
            messages.success(request, f"Your answer is saved{told}.")
            return redirect("transfers:question-detail", public_id=question.public_id)
    return _detail_page(request, question, form)
