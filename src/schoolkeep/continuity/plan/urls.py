"""URLs of the recovery plan, its contacts, its tests and the card (under "plan/", in the
continuity namespace)."""

from django.urls import path

from schoolkeep.continuity.plan import views

urlpatterns = [
    path("", views.plan, name="plan"),
    path("edit/", views.plan_edit, name="plan-edit"),
    path("upload/", views.plan_upload, name="plan-upload"),
    path("document/", views.plan_document, name="plan-document"),
    path("contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<uuid:public_id>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<uuid:public_id>/move/", views.contact_move, name="contact-move"),
    path("contacts/<uuid:public_id>/remove/", views.contact_remove, name="contact-remove"),
    path("restore-order/", views.restore_order, name="restore-order"),
    path("tests/new/", views.plan_test_create, name="plan-test-create"),
    path("card/", views.card, name="card"),
]
