from django.apps import AppConfig


class EquipmentConfig(AppConfig):
    name = "schoolkeep.equipment"
    label = "equipment"
    verbose_name = "Equipment, loans and disposals"

    def ready(self) -> None:
        from schoolkeep.equipment import registration

        registration.register_all()
