"""The register import's tasks under the path they were first queued by.

django-tasks stores each queued task's dotted path (``schoolkeep.assets.tasks_import.
assets_import_check``), so a job queued before the tasks moved to ``assets.imports.tasks``
must still find them here when the worker runs it. New code imports ``assets.imports.tasks``.
"""

from schoolkeep.assets.imports.tasks import (
    APPLY_KIND,
    CHECK_KIND,
    assets_import_apply,
    assets_import_check,
)

__all__ = ["APPLY_KIND", "CHECK_KIND", "assets_import_apply", "assets_import_check"]
