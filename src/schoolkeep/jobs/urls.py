from django.urls import path

from schoolkeep.jobs import views

app_name = "jobs"

urlpatterns = [
    path("<uuid:public_id>/", views.job_detail, name="job-detail"),
    path("<uuid:public_id>/download/", views.job_download, name="job-download"),
]
