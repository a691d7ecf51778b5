from importlib import import_module

from django.apps import AppConfig

# One measure provider per module, each in its own ``measures.py`` (a module: its provider).
MEASURE_MODULES = (
    "schoolkeep.people.measures",
    "schoolkeep.agreements.aups.measures",
    "schoolkeep.agreements.policies.measures",
    "schoolkeep.assets.measures",
    "schoolkeep.incidents.measures",
    "schoolkeep.access.measures",
    "schoolkeep.access.reviews.measures",
    "schoolkeep.passwords.measures",
    "schoolkeep.transfers.log.measures",
    "schoolkeep.equipment.inventory.measures",
    "schoolkeep.equipment.loans.measures",
    "schoolkeep.equipment.disposals.measures",
    "schoolkeep.backups.measures",
    "schoolkeep.continuity.scopes.measures",
    "schoolkeep.continuity.checks.measures",
    "schoolkeep.continuity.plan.measures",
    "schoolkeep.training.rules.measures",
    "schoolkeep.housekeeping.campaigns.measures",
    "schoolkeep.compliance.pack.measures",
    "schoolkeep.inforequests.duties.measures",
    "schoolkeep.privacy.dpias.measures",
    "schoolkeep.privacy.suppliers.measures",
)


class OverviewConfig(AppConfig):
    name = "schoolkeep.overview"
    label = "overview"
    verbose_name = "Overview"

    def ready(self) -> None:
        from schoolkeep.overview import registry
        from schoolkeep.overview.areas import register_core_areas

        register_core_areas()
        for name in MEASURE_MODULES:
            registry.register(import_module(name).provider)
