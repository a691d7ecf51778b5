from django.urls import path

from schoolkeep.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("heads-copied/", views.heads_copied, name="heads-copied"),
    path("export.csv", views.event_export, name="event-export"),
    path("export/start/", views.event_export_start, name="event-export-start"),
    path("events/<uuid:public_id>/", views.event_detail, name="event-detail"),
    path("history/<str:target_type>/<str:target_id>/", views.record_history,
         name="record-history"),
]
