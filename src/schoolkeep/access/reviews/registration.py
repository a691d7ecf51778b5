"""What the access reviews register when Django starts (listed in ``access.registration``):
the duty provider, the audit labels and the demo step. The overview's measure
(``access.reviews.measures``) is registered by the overview app, as every measure is."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.access.reviews import duties
    from schoolkeep.access.reviews.demo import ORDER, build_demo_access_reviews
    from schoolkeep.access.reviews.services import ACTION_LABELS
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step

    duties.register()
    register_action_labels(ACTION_LABELS)
    register_step("access_reviews", build_demo_access_reviews, order=ORDER)
