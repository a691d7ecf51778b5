from django.apps import AppConfig


class ThrottlesConfig(AppConfig):
    name = "schoolkeep.throttles"
    label = "throttles"
    verbose_name = "Throttles of the public pages"
