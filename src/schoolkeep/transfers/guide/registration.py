"""What the guide part of the transfers app registers at start-up (listed in
``transfers.registration``): the duty provider of the questions to the DPO, the audit labels
of asking and answering, and the demo's question."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.transfers.guide import duties
    from schoolkeep.transfers.guide.demo import ORDER, build_demo_question
    from schoolkeep.transfers.guide.services import ACTION_LABELS

    duties.register()
    register_action_labels(ACTION_LABELS)
    register_step("transfer_questions", build_demo_question, order=ORDER)
