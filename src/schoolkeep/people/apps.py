from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "schoolkeep.people"
    label = "people"
    verbose_name = "People and the Single Central Record"

    def ready(self) -> None:
        from schoolkeep.demo.builder import register_step
        from schoolkeep.duties.scheduler import register_tick
        from schoolkeep.people import duties  # registers the duty provider
        from schoolkeep.people.demo import build_demo_people

        register_tick("people.certificate-copies", duties.delete_due_copies)
        register_step("people", build_demo_people, order=200)
