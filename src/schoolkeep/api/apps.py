from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "schoolkeep.api"
    label = "api"
    verbose_name = "JSON API"
