"""URLs of access/coverage (included by the app's urls.py, in its namespace)."""

from django.urls import path

from schoolkeep.access.coverage import views

urlpatterns = [
    path("two-factor/", views.two_factor, name="two-factor"),
    path("administrators/", views.administrator_list, name="administrators"),
    path("administrators/<uuid:public_id>/dbs-exception/", views.dbs_exception,
         name="dbs-exception"),
]
