from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "schoolkeep.assets"
    label = "assets"
    verbose_name = "Information asset register"
