from django.apps import AppConfig

# The modules that register themselves at start-up (audit labels, duty providers, demo steps,
# ticks), by name prefix within each package. A new module that registers needs its prefix
# here.
SELF_REGISTERING = {
    "": ("duties", "demo", "ticks", "hooks", "erasure"),
    "report": ("services", "concern"),
    "handling": ("services", "triage", "decisions", "actions"),
    "exports": ("formats",),
}


class IncidentsConfig(AppConfig):
    name = "schoolkeep.incidents"
    label = "incidents"
    verbose_name = "Incidents and personal data breaches"

    def ready(self) -> None:
        from schoolkeep.lib.registration import register_modules

        for package, prefixes in SELF_REGISTERING.items():
            register_modules(f"{self.name}.{package}".rstrip("."), prefixes)
