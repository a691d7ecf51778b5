from django.apps import AppConfig


class ContinuityConfig(AppConfig):
    name = "schoolkeep.continuity"
    label = "continuity"
    verbose_name = "Backups and recovery"

    def ready(self) -> None:
        from schoolkeep.continuity import registration

        registration.register_all()
