from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "schoolkeep.transfers"
    label = "transfers"
    verbose_name = "Sending data safely and taking it off site"

    def ready(self) -> None:
        from schoolkeep.transfers import registration

        registration.register_all()
