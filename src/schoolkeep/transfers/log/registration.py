"""What the transfer log registers at start-up (listed in ``transfers.registration``): its
duty provider (``transfers.transfer-to-review``), its audit labels and its demo step. Its
measure (``transfers.log.measures``) is registered by the overview app, as every measure
is."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.transfers.log import duties
    from schoolkeep.transfers.log.demo import ORDER, build_demo_transfer_log
    from schoolkeep.transfers.log.services import ACTION_LABELS

    duties.register()
    register_action_labels(ACTION_LABELS)
    register_step("transfer_log", build_demo_transfer_log, order=ORDER)
