"""What this part registers when Django starts: the people provider of the erasure, the
audit labels, the daily erasure's tick, the people's audit subjects and the demo step."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.people.erasure import PeopleProvider, register_subjects
    from schoolkeep.privacy.erasure import demo, ticks
    from schoolkeep.privacy.erasure.registry import register_provider
    from schoolkeep.privacy.erasure.services import ACTION_LABELS

    register_provider(PeopleProvider())
    register_action_labels(ACTION_LABELS)
    ticks.register()
    register_subjects()
    register_step("erasure", demo.build_demo_erasure, order=demo.DEMO_ORDER)
