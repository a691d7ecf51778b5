from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "schoolkeep.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from schoolkeep.compliance import registration

        registration.register_all()
