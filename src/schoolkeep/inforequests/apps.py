from django.apps import AppConfig


class InfoRequestsConfig(AppConfig):
    name = "schoolkeep.inforequests"
    label = "inforequests"
    verbose_name = "Requests with legal clocks"

    def ready(self) -> None:
        from schoolkeep.inforequests import registration

        registration.register_all()
