from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "schoolkeep.people"
    label = "people"
    verbose_name = "People and the Single Central Record"
