from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "schoolkeep.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from schoolkeep.training import registration

        registration.register_all()
