from django.apps import AppConfig

# The modules that register themselves at start-up (audit labels, duty providers, demo steps,
# hooks), by name prefix within each subpackage. A new services/duties/demo/hooks module in a
# new subpackage needs its line here.
SELF_REGISTERING = {
    "aups": ("services", "duties", "demo", "hooks"),
    "signing": ("services",),
    "signing.links": ("services",),
    "signing.kiosk": ("services",),
    "signing.paper": ("services",),
    "parents": ("services",),
    "policies": ("services", "imports", "duties", "demo", "hooks"),
}


class AgreementsConfig(AppConfig):
    name = "schoolkeep.agreements"
    label = "agreements"
    verbose_name = "Acceptable use policies and policy documents"

    def ready(self) -> None:
        from schoolkeep.lib.registration import register_modules

        for package, prefixes in SELF_REGISTERING.items():
            register_modules(f"{self.name}.{package}", prefixes)
        from schoolkeep.agreements import erasure

        erasure.register()
