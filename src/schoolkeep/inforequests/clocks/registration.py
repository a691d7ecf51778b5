"""What the clocks part registers when Django starts: its audit labels, the hook that works
deadlines out again when term dates are saved, and the daily tick for clocks that wait."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.inforequests.clocks import ticks
    from schoolkeep.inforequests.clocks.hooks import deadlines_follow_terms
    from schoolkeep.inforequests.clocks.services import ACTION_LABELS
    from schoolkeep.tenancy.services_terms import register_terms_changed_hook

    register_action_labels(ACTION_LABELS)
    register_terms_changed_hook(deadlines_follow_terms)
    ticks.register()
