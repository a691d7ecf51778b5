from django.urls import URLPattern, path

from schoolkeep.leavers import views

app_name = "leavers"

urlpatterns: list[URLPattern] = [
    path("", views.checklist_list, name="checklist-list"),
    path("<uuid:public_id>/", views.checklist_detail, name="checklist-detail"),
    path("<uuid:public_id>/steps/", views.step_record, name="step-record"),
    path("<uuid:public_id>/close/", views.checklist_close, name="checklist-close"),
]
