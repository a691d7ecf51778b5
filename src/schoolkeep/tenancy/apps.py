from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "schoolkeep.tenancy"
    label = "tenancy"
    verbose_name = "Schools and members"

    def ready(self) -> None:
        from schoolkeep.lib import startup_checks
        from schoolkeep.tenancy import (
            duties,  # noqa: F401  (registers the provider)
            leaving,
        )

        # The project's own deployment checks (tenancy is the floor every module stands on).
        startup_checks.register()
        # A membership ends on the leaving date: the tick and its audit label.
        leaving.register()
