"""What the rules part of the transfers app registers at start-up: its audit labels and
its demo step (Larkspur's channels for sending data, after the register's systems at 300)."""

from __future__ import annotations

ORDER = 310


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.transfers.rules.demo import build_demo_transfer_rules
    from schoolkeep.transfers.rules.services import ACTION_LABELS

    register_action_labels(ACTION_LABELS)
    register_step("transfer_rules", build_demo_transfer_rules, order=ORDER)
