from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "schoolkeep.access"
    label = "access"
    verbose_name = "Accounts on each system, two-factor and access reviews"
