"""Apps made of many small modules register them at start-up by their names' prefixes."""

from __future__ import annotations

import importlib
import pkgutil


def register_modules(package_name: str, prefixes: tuple[str, ...]) -> None:
    """Import every module of the package whose name starts with one of ``prefixes``;
    register its ``ACTION_LABELS`` and call its ``register()`` when it has them."""
    from schoolkeep.audit.actions import register_action_labels

    package = importlib.import_module(package_name)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith(prefixes):
            module = importlib.import_module(f"{package_name}.{info.name}")
            register_action_labels(getattr(module, "ACTION_LABELS", {}))
            register = getattr(module, "register", None)
            if callable(register):
                register()
