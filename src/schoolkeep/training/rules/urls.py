"""URLs of the training rules: the status page (the app's landing), the matrix export, the
RPA's rule and the settings (in the training namespace)."""

from django.urls import path

from schoolkeep.training.rules import views

urlpatterns = [
    path("", views.status, name="status"),
    path("matrix.xlsx", views.matrix_export, name="matrix-export"),
    path("rpa/", views.rpa, name="rpa"),
    path("settings/", views.settings_edit, name="settings"),
]
