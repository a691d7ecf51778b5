"""A request's progress: pauses, extensions and the response (all ``requests.handle``)."""

from django.urls import URLPattern, path

from schoolkeep.inforequests.progress import views

urlpatterns: list[URLPattern] = [
    path("<uuid:public_id>/pauses/add/", views.hold_add, name="hold-add"),
    path("<uuid:public_id>/pauses/<int:hold_id>/answer/", views.hold_answer,
         name="hold-answer"),
    path("<uuid:public_id>/extensions/add/", views.extension_add, name="extension-add"),
    path("<uuid:public_id>/extensions/<int:extension_id>/told/", views.extension_told,
         name="extension-told"),
    path("<uuid:public_id>/respond/", views.request_respond, name="request-respond"),
    path("<uuid:public_id>/acknowledge/", views.request_acknowledge,
         name="request-acknowledge"),
    path("<uuid:public_id>/withdraw/", views.request_withdraw, name="request-withdraw"),
]
