from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "schoolkeep.demo"
    label = "demo"
    verbose_name = "Demonstration data"
