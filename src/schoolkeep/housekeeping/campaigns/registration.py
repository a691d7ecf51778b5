"""What the campaigns part of the housekeeping app registers at start-up: its audit labels,
its duty provider (``housekeeping.unconfirmed``) and its demo step (Larkspur's campaign,
half done, at 430)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.housekeeping.campaigns import duties, links, services
    from schoolkeep.housekeeping.campaigns.demo import build_demo_housekeeping

    register_action_labels(services.ACTION_LABELS)
    register_action_labels(links.ACTION_LABELS)
    duties.register()
    register_step("housekeeping", build_demo_housekeeping, order=430)
