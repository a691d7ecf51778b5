"""What the retention schedule registers when Django starts: its duty provider (module
``retention``) and its audit labels. The demo needs no step: the starting schedule is made
by migration ``privacy 0004_schedule`` (the assets' demo links Larkspur's assets to it)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.privacy.schedule import duties, services

    duties.register()
    register_action_labels(services.ACTION_LABELS)
