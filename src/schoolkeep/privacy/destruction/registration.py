"""What the destruction log registers when Django starts: its audit labels and its demo step
(two entries at Larkspur)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.privacy.destruction import demo, exports, services

    register_action_labels(services.ACTION_LABELS)
    register_action_labels({exports.EXPORT_ACTION: "Destruction log downloaded"})
    register_step("destructions", demo.build_demo_destructions, order=demo.DEMO_ORDER)
