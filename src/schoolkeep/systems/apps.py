from django.apps import AppConfig


class SystemsConfig(AppConfig):
    name = "schoolkeep.systems"
    label = "systems"
    verbose_name = "Systems and suppliers"
