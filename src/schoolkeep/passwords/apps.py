from django.apps import AppConfig


class PasswordsConfig(AppConfig):
    name = "schoolkeep.passwords"
    label = "passwords"
    verbose_name = "Password change cycles"
