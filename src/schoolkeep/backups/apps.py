from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "schoolkeep.backups"
    label = "backups"
    verbose_name = "Schoolkeep's own backups"

    def ready(self) -> None:
        from schoolkeep.lib.registration import register_modules

        # Every services*, duties* and ticks* module registers itself.
        register_modules(self.name, ("services", "duties", "ticks"))
