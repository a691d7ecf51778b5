import importlib
import pkgutil

from django.apps import AppConfig

# Modules that register something when imported or that hold ACTION_LABELS: every
# ``services_*``, ``duties_*``, ``demo_*`` and ``hooks_*`` module of this package.
_REGISTERING_PREFIXES = ("services_", "duties_", "demo_", "hooks_")


class AgreementsConfig(AppConfig):
    name = "schoolkeep.agreements"
    label = "agreements"
    verbose_name = "Acceptable use policies and policy documents"

    def ready(self) -> None:
        from schoolkeep.audit.actions import register_action_labels

        package = importlib.import_module(self.name)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith(_REGISTERING_PREFIXES):
                module = importlib.import_module(f"{self.name}.{info.name}")
                register_action_labels(getattr(module, "ACTION_LABELS", {}))
                register = getattr(module, "register", None)
                if callable(register):
                    register()
