"""What the duties part registers when Django starts: the duty provider (module
"requests"), the reminder tick and its audit label. The measure is listed in
``overview/apps.py`` (``MEASURE_MODULES``)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.inforequests.duties import provider, ticks

    provider.register()
    register_action_labels(ticks.ACTION_LABELS)
    ticks.register()
