from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "schoolkeep.systems"
    label = "systems"
    verbose_name = "Systems and suppliers"

    def ready(self) -> None:
        from schoolkeep.audit.actions import register_action_labels
        from schoolkeep.systems.services import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
        from schoolkeep.systems import erasure

        erasure.register()
