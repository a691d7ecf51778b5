from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "schoolkeep.tenancy"
    label = "tenancy"
    verbose_name = "Schools and members"

    def ready(self) -> None:
        from schoolkeep.tenancy import duties  # noqa: F401  (registers the provider)
