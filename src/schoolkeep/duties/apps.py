from django.apps import AppConfig


class DutiesConfig(AppConfig):
    name = "schoolkeep.duties"
    label = "duties"
    verbose_name = "Duties"

    def ready(self) -> None:
        from schoolkeep.duties import erasure

        erasure.register()
