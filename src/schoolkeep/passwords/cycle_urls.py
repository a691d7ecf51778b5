"""URLs of the cycles and attestations (included by passwords/urls.py)."""

from django.urls import URLPattern, path

from schoolkeep.passwords import views

urlpatterns: list[URLPattern] = [
    path("", views.cycle_list, name="cycle-list"),
    path("new/", views.cycle_create, name="cycle-create"),
    path("mine/", views.mine, name="mine"),
    path("overdue/", views.overdue, name="overdue"),
    path("systems/<uuid:public_id>/changed/", views.attest, name="attest"),
    path("<uuid:public_id>/", views.cycle_detail, name="cycle-detail"),
    path("<uuid:public_id>/edit/", views.cycle_edit, name="cycle-edit"),
    path("<uuid:public_id>/archive/", views.cycle_archive, name="cycle-archive"),
]
