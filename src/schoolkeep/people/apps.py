from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "schoolkeep.people"
    label = "people"
    verbose_name = "People and the Single Central Record"

    def ready(self) -> None:
        from schoolkeep.audit.actions import register_action_labels
        from schoolkeep.demo.builder import register_step
        from schoolkeep.duties.scheduler import register_tick
        from schoolkeep.people import (
            duties,  # registers the duty provider
            services,
        )
        from schoolkeep.people.demo import build_demo_people
        from schoolkeep.people.record import exports
        from schoolkeep.people.rules import services as rules_services
        from schoolkeep.tenancy.services import register_member_joined_hook

        register_tick("people.certificate-copies", duties.delete_due_copies)
        register_member_joined_hook(services.person_link_joined_member)
        register_step("people", build_demo_people, order=200)
        register_action_labels(
            {**PEOPLE_ACTION_LABELS, **exports.ACTION_LABELS, **rules_services.ACTION_LABELS}
        )


PEOPLE_ACTION_LABELS = {
    "people.import.applied": "People imported",
    "people.person.created": "Person added",
    "people.person.updated": "Person changed",
    "people.person.left": "Person marked as a leaver",
    "people.person.account_linked": "Person's account linked",
    "people.person.account_unlinked": "Person's account unlinked",
    "people.check.created": "Check recorded",
    "people.check.updated": "Check changed",
    "people.override.set": "Check exception set",
    "people.override.cleared": "Check exception removed",
    "people.certificate_copy.uploaded": "DBS certificate copy uploaded",
    "people.certificate_copy.downloaded": "DBS certificate copy downloaded",
    "people.certificate_copy.deleted": "DBS certificate copy deleted",
    "people.certificate_copy.deleted_automatically": "DBS certificate copy deleted on schedule",
}
