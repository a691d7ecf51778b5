from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "schoolkeep.incidents"
    label = "incidents"
    verbose_name = "Incidents and personal data breaches"

    def ready(self) -> None:
        from schoolkeep.lib.registration import register_modules

        # Every services*, duties*, demo*, ticks*, hooks* and exports* module registers itself.
        register_modules(self.name, ("services", "duties", "demo", "ticks", "hooks", "exports"))
