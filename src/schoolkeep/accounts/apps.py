from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "schoolkeep.accounts"
    label = "accounts"
    verbose_name = "Accounts and sign-in"

    def ready(self) -> None:
        from schoolkeep.accounts import erasure, signals  # noqa: F401  (audits sign-in events)

        erasure.register()
