from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "schoolkeep.access"
    label = "access"
    verbose_name = "Accounts on each system, two-factor and access reviews"

    def ready(self) -> None:
        from schoolkeep.access import registration

        registration.register_all()
