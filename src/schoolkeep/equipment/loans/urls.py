"""URLs of equipment loans (included under "loans/" in the equipment namespace)."""

from django.urls import path

from schoolkeep.equipment.loans import views

urlpatterns = [
    path("", views.loan_list, name="loan-list"),
    path("new/", views.loan_create, name="loan-create"),
    path("export/", views.loan_export, name="loan-export"),
    path("<uuid:public_id>/", views.loan_detail, name="loan-detail"),
    path("<uuid:public_id>/change/", views.loan_edit, name="loan-edit"),
    path("<uuid:public_id>/return/", views.loan_return, name="loan-return"),
    path("<uuid:public_id>/incident/", views.loan_incident, name="loan-incident"),
]
