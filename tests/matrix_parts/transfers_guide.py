# ruff: noqa: E501  (one row per line keeps the table readable)
"""The rows of "How do I send this?" and the questions to the DPO.

The guide is open to every member who sends data (``transfers.send``: every school role but
the auditor) and to those who read how the school sends it (``transfers.view``: the auditor
and the trust administrator, who see no actions). Asking needs ``transfers.send`` (the trust
administrator holds no school role). The list of questions needs ``transfers.view`` (the
SIRO, DPO, business manager, IT lead, auditor and trust administrator). A question's page
("Matrix question", asked by the staff persona) is open to its asker and to those who see
every question; any other member is refused (403); the outsider gets 404. Answering needs
``transfers.manage`` (the SIRO and the DPO). The guide and the lists only read (POST: 405);
asking and answering are POST only.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.transfers.guide.services import transfer_question_ask
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    question = transfer_question_ask(school=personas.school, actor=personas.staff,
                                     data_kind="sen", recipient="supplier",
                                     details="Matrix question", send_email=False)
    return {"transfer_question_id": str(question.public_id)}


def _question(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["transfer_question_id"]}


URL_ARGUMENTS = {
    "transfers:question-detail": _question,
    "transfers:question-answer": _question,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("transfers:question-create", "POST"): lambda t: {"data_kind": "other",
                                                      "recipient": "parents"},
    ("transfers:question-answer", "POST"): lambda t: {"answer": "Send it by Egress."},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("transfers:guide", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("transfers:guide", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("transfers:question-create", "GET"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("transfers:question-create", "POST"): "302 302 302 302 302 302 302 302 302 302 302 403 403 302",
    ("transfers:question-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("transfers:question-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("transfers:question-detail", "GET"): "302 200 200 403 200 200 403 403 403 200 403 200 200 404",
    ("transfers:question-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("transfers:question-answer", "GET"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
    ("transfers:question-answer", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
}
