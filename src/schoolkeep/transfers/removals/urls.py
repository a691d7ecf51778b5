"""URLs of transfers/removals (under "off-site/", in the transfers namespace)."""

from django.urls import URLPattern, path

from schoolkeep.transfers.removals import views

urlpatterns: list[URLPattern] = [
    path("", views.removal_list, name="removal-list"),
    path("new/", views.removal_create, name="removal-create"),
    path("<uuid:public_id>/", views.removal_detail, name="removal-detail"),
    path("<uuid:public_id>/decide/", views.removal_decide, name="removal-decide"),
    path("<uuid:public_id>/withdraw/", views.removal_withdraw, name="removal-withdraw"),
    path("<uuid:public_id>/return/", views.removal_return, name="removal-return"),
    path("<uuid:public_id>/lost/", views.removal_incident, name="removal-incident"),
]
