"""URLs of access/accounts (included by the app's urls.py, in its namespace)."""

from django.urls import path

from schoolkeep.access.accounts import views

urlpatterns = [
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/new/", views.account_create, name="account-create"),
    path("accounts/<uuid:public_id>/", views.account_detail, name="account-detail"),
    path("accounts/<uuid:public_id>/edit/", views.account_edit, name="account-edit"),
    path("accounts/<uuid:public_id>/disable/", views.account_disable, name="account-disable"),
]
