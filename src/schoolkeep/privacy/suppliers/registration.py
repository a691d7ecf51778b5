"""What the suppliers' part registers when Django starts: its duty provider (module
"processors"), its erasure provider (the names a supplier's record keeps), its audit labels
and its demo step (two processors at Larkspur). The measure
module is ``privacy.suppliers.measures`` (listed in ``overview/apps.py``)."""

from __future__ import annotations


def register() -> None:
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.demo.builder import register_step
    from schoolkeep.privacy.suppliers import demo, duties, erasure, services

    duties.register()
    erasure.register()
    register_action_labels(services.ACTION_LABELS)
    register_step("processors", demo.build_demo_processors, order=demo.DEMO_ORDER)
