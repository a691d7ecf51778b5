from django.apps import AppConfig


class HousekeepingConfig(AppConfig):
    name = "schoolkeep.housekeeping"
    label = "housekeeping"
    verbose_name = "Digital housekeeping"

    def ready(self) -> None:
        from schoolkeep.housekeeping import registration

        registration.register_all()
