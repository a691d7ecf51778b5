from django.urls import path

from schoolkeep.people import views
from schoolkeep.people.imports import urls as urls_import
from schoolkeep.people.record import urls as urls_record
from schoolkeep.people.rules import urls as urls_rules

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("<uuid:public_id>/", views.person_detail, name="person-detail"),
    path("<uuid:public_id>/edit/", views.person_edit, name="person-edit"),
    path("<uuid:public_id>/leaver/", views.person_leaver, name="person-leaver"),
    path("<uuid:public_id>/account/", views.person_link_account, name="person-link-account"),
    path("<uuid:public_id>/checks/<str:check_type>/", views.check_edit, name="check-edit"),
    path("<uuid:public_id>/checks/<str:check_type>/exception/", views.override_edit,
         name="override-edit"),
    path("<uuid:public_id>/copies/new/", views.copy_upload, name="copy-upload"),
    path("copies/<uuid:public_id>/", views.copy_download, name="copy-download"),
    path("copies/<uuid:public_id>/delete/", views.copy_delete, name="copy-delete"),
]

# The Single Central Record, the import, and the record's rules and settings (own packages).
urlpatterns += urls_record.urlpatterns + urls_import.urlpatterns + urls_rules.urlpatterns
