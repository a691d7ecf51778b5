from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "schoolkeep.assets"
    label = "assets"
    verbose_name = "Information asset register"

    def ready(self) -> None:
        from schoolkeep.assets import duties  # noqa: F401  (registers the duty provider)
