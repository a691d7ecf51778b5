"""URLs of training records (included under "records/" in the training namespace)."""

from django.urls import path

from schoolkeep.training.records import views

urlpatterns = [
    path("", views.record_list, name="record-list"),
    path("new/", views.record_create, name="record-create"),
    path("session/", views.record_session, name="record-session"),
    path("mine/", views.my_training, name="my-training"),
    path("mine/new/", views.my_training_add, name="my-training-add"),
    path("<uuid:public_id>/", views.record_detail, name="record-detail"),
    path("<uuid:public_id>/certificate/", views.record_certificate, name="record-certificate"),
    path("<uuid:public_id>/certificate/upload/", views.record_certificate_upload,
         name="record-certificate-upload"),
    path("<uuid:public_id>/confirm/", views.record_confirm, name="record-confirm"),
    path("<uuid:public_id>/withdraw/", views.record_withdraw, name="record-withdraw"),
]
