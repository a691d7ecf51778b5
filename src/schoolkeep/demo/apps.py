from django.apps import AppConfig
from django.core import checks


class DemoConfig(AppConfig):
    name = "schoolkeep.demo"
    label = "demo"
    verbose_name = "Demonstration data"

    def ready(self) -> None:
        from schoolkeep.demo.guard import check_no_active_demo_members

        checks.register(check_no_active_demo_members, checks.Tags.security, deploy=True)
