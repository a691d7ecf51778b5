"""What the pack part of the compliance app registers at start-up: its duty provider
(``governor_pack.due``, for the SIRO) and its audit labels (``compliance.pack.*``). Its
measure (``governor_pack.received``, area "governance") is listed in
``overview.apps.MEASURE_MODULES``."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.compliance.pack import duties, services

    register_action_labels(services.ACTION_LABELS)
    duties.register()
