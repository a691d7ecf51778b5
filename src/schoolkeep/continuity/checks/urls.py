"""URLs of backup checks, restore tests and the backup and restore log (under "checks/" in
the continuity namespace)."""

from django.urls import path

from schoolkeep.continuity.checks import views

urlpatterns = [
    path("", views.check_list, name="check-list"),
    path("new/", views.check_create, name="check-create"),
    path("<uuid:public_id>/report/", views.check_evidence, name="check-evidence"),
    path("restores/", views.restore_list, name="restore-list"),
    path("restores/new/", views.restore_create, name="restore-create"),
    path("restores/<uuid:public_id>/", views.restore_detail, name="restore-detail"),
    path("log/", views.export, name="log-export"),
]
