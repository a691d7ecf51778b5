from django.apps import AppConfig


class ThrottlesConfig(AppConfig):
    """What protects the public pages opened by a secret address: throttle counters, and
    the redaction of every secret address from the logs."""

    name = "schoolkeep.throttles"
    label = "throttles"
    verbose_name = "Throttles of the public pages"

    def ready(self) -> None:
        from schoolkeep.duties.scheduler import register_tick
        from schoolkeep.lib import log_redaction
        from schoolkeep.throttles.services import throttles_clean_up

        log_redaction.install()
        register_tick("throttles.clean-up", throttles_clean_up)
