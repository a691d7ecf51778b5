from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "schoolkeep.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        from schoolkeep.duties.scheduler import register_tick
        from schoolkeep.jobs.services import jobs_clean_up
        from schoolkeep.lib.db_statistics import refresh_statistics_nightly

        register_tick("jobs.clean-up", jobs_clean_up)
        register_tick("database.statistics", refresh_statistics_nightly)
        from schoolkeep.jobs import erasure

        erasure.register()
