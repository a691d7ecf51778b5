from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "schoolkeep.privacy"
    label = "privacy"
    verbose_name = "DPIAs, suppliers, retention and destruction"

    def ready(self) -> None:
        from schoolkeep.privacy import registration

        registration.register_all()
