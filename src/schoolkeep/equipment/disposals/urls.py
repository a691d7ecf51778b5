"""URLs of disposal batches (under "disposals/", in the equipment namespace)."""

from django.urls import path

from schoolkeep.equipment.disposals import views

urlpatterns = [
    path("", views.disposal_list, name="disposal-list"),
    path("new/", views.disposal_create, name="disposal-create"),
    path("export/", views.disposal_export, name="disposal-export"),
    path("<uuid:public_id>/", views.disposal_detail, name="disposal-detail"),
    path("<uuid:public_id>/edit/", views.disposal_edit, name="disposal-edit"),
    path("<uuid:public_id>/paperwork/", views.disposal_certificate,
         name="disposal-certificate"),
    path("<uuid:public_id>/match/", views.disposal_match, name="disposal-match"),
    path("<uuid:public_id>/files/<str:kind>/", views.disposal_file, name="disposal-file"),
    path("<uuid:public_id>/evidence-pack/", views.disposal_pack, name="disposal-pack"),
]
