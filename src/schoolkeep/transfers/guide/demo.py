"""The demo's question to the DPO (Larkspur, step "transfer_questions", order 392): Ellie
Morgan, a teacher, asks how to send SEN information to a supplier, a cell the policy names
no channel for, so the DPO has an open question on their dashboard
(``transfer_questions.question-open``). Nobody is e-mailed. Running the step again changes
nothing. People are fictional."""

from __future__ import annotations

from schoolkeep.demo.builder import DemoContext
from schoolkeep.transfers.guide.services import transfer_question_ask
from schoolkeep.transfers.models import DataKind, Recipient, TransferQuestion

SCHOOL = "larkspur"
ORDER = 392
ASKER = "larkspur.staff"
DETAILS = ("A speech and language therapy company we are trying this term wants our SEN"
           " register to set up its online assessments. Which way should I send it, and should"
           " I send all of it?")


def build_demo_question(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    if TransferQuestion.objects.filter(school=school).exists():
        return
    transfer_question_ask(school=school, actor=ctx.users[ASKER], data_kind=DataKind.SEN,
                          recipient=Recipient.SUPPLIER, details=DETAILS, send_email=False)
