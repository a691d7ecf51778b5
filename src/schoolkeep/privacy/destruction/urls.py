from django.urls import path

from schoolkeep.privacy.destruction import views

app_name = "destructions"

urlpatterns = [
    path("", views.destruction_list, name="destruction-list"),
    path("log.csv", views.destruction_csv, name="destruction-csv"),
    path("record/", views.destruction_create, name="destruction-record"),
    path("<uuid:public_id>/", views.destruction_detail, name="destruction-detail"),
]
