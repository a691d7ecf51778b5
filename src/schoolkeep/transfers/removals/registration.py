"""What the removals part of the transfers app registers at start-up (listed in
``transfers.registration``): the duty provider, the audit labels and the demo step."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.transfers.removals import duties
    from schoolkeep.transfers.removals.demo import ORDER, build_demo_removals
    from schoolkeep.transfers.removals.services import ACTION_LABELS

    duties.register()
    register_action_labels(ACTION_LABELS)
    register_step("removals", build_demo_removals, order=ORDER)
