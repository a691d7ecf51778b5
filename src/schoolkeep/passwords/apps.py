from django.apps import AppConfig


class PasswordsConfig(AppConfig):
    name = "schoolkeep.passwords"
    label = "passwords"
    verbose_name = "Password change cycles"

    def ready(self) -> None:
        from schoolkeep.passwords import registration

        registration.register_all()
