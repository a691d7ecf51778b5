from django.apps import AppConfig


class LeaversConfig(AppConfig):
    name = "schoolkeep.leavers"
    label = "leavers"
    verbose_name = "Leavers, starters and movers"

    def ready(self) -> None:
        from schoolkeep.leavers import registration

        registration.register_all()
