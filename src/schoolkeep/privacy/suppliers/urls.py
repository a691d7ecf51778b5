"""The suppliers' pages (processors and other controllers), under /suppliers/."""

from django.urls import URLPattern, path

from . import views

app_name = "processors"

urlpatterns: list[URLPattern] = [
    path("", views.processor_list, name="processor-list"),
    path("new/", views.processor_add, name="processor-add"),
    path("<uuid:public_id>/", views.processor_detail, name="processor-detail"),
    path("<uuid:public_id>/edit/", views.processor_edit, name="processor-edit"),
    path("<uuid:public_id>/agreement/", views.processor_agreement, name="processor-agreement"),
    path("<uuid:public_id>/agreement/download/", views.processor_agreement_download,
         name="processor-agreement-download"),
    path("<uuid:public_id>/review/", views.processor_review, name="processor-review"),
    path("<uuid:public_id>/archive/", views.processor_archive, name="processor-archive"),
]
