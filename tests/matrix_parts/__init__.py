"""Parts of the permission matrix contributed by later modules, one module per part.

Each module here may define:

- ``build(personas) -> dict[str, Any]``: records its URLs need, kept in ``Targets.extra``;
- ``URL_ARGUMENTS``, ``SCHOOL_QUERY``, ``EXTRA_METHODS``, ``API_BODIES``, ``FORM_BODIES``:
  as in tests/permission_matrix.py, merged into those;
- ``MATRIX``: rows as in tests/test_permission_matrix.py, merged into that table.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def parts() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]
