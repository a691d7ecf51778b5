"""Mounted at /requests/bank-holidays/ (inforequests/urls.py)."""

from django.urls import path

from schoolkeep.inforequests.clocks import views

urlpatterns = [
    path("", views.holiday_list, name="holiday-list"),
    path("add/", views.holiday_add, name="holiday-add"),
    path("<int:holiday_id>/remove/", views.holiday_remove, name="holiday-remove"),
]
