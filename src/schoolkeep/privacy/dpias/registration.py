"""What the DPIAs part registers when Django starts: the duty provider (module ``dpias``)
and the audit labels of the downloads. The measure is listed in ``overview/apps.py``
(``MEASURE_MODULES``: ``schoolkeep.privacy.dpias.measures``)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.privacy.dpias import duties
    from schoolkeep.privacy.dpias.exports import files

    duties.register()
    register_action_labels(files.ACTION_LABELS)
