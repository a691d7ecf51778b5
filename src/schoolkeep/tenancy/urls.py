from django.urls import path

from schoolkeep.tenancy import views, views_terms

app_name = "tenancy"

urlpatterns = [
    path("none/", views.no_school, name="no-school"),
    path("switch/", views.school_switch, name="school-switch"),
    path("contacts/", views.key_contacts, name="key-contacts"),
    path("settings/", views.school_settings, name="school-settings"),
    path("members/", views.member_list, name="member-list"),
    path("members/invite/", views.invitation_create, name="invitation-create"),
    path("members/invitations/<uuid:public_id>/revoke/", views.invitation_revoke,
         name="invitation-revoke"),
    path("members/<uuid:public_id>/", views.member_edit, name="member-edit"),
    path("members/<uuid:public_id>/deactivate/", views.member_deactivate,
         name="member-deactivate"),
    path("terms/", views_terms.term_list, name="term-list"),
    path("terms/<int:year>/", views_terms.term_edit, name="term-edit"),
]
