from django.apps import AppConfig


class LeaversConfig(AppConfig):
    name = "schoolkeep.leavers"
    label = "leavers"
    verbose_name = "Leavers, starters and movers"
