"""What the destruction log registers when Django starts: its audit labels, its demo step
(two entries at Larkspur) and its erasure provider (the names an entry keeps)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.privacy.destruction import demo, erasure, exports, services

    register_action_labels(services.ACTION_LABELS)
    register_action_labels({exports.EXPORT_ACTION: "Destruction log downloaded"})
    erasure.register()
    register_step("destructions", demo.build_demo_destructions, order=demo.DEMO_ORDER)
