"""What the DPIAs part registers when Django starts: the duty provider (module ``dpias``),
the audit labels (the services' and the downloads'), and the demo step of Larkspur's DPIAs
(order 530: after the asset register and the requests, before compliance at 900). The
measure is listed in ``overview/apps.py`` (``MEASURE_MODULES``:
``schoolkeep.privacy.dpias.measures``)."""

from __future__ import annotations

DEMO_ORDER = 530


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.privacy.dpias import demo, duties, erasure, services
    from schoolkeep.privacy.dpias.exports import files

    duties.register()
    erasure.register()
    register_action_labels(services.ACTION_LABELS)
    register_action_labels(files.ACTION_LABELS)
    register_step("dpias", demo.build_demo_dpias, order=DEMO_ORDER)
