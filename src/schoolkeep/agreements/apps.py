from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "schoolkeep.agreements"
    label = "agreements"
    verbose_name = "Acceptable use policies and policy documents"

    def ready(self) -> None:
        from schoolkeep.lib.registration import register_modules

        # Every services_*, duties_*, demo_* and hooks_* module registers itself.
        register_modules(self.name, ("services_", "duties_", "demo_", "hooks_"))
