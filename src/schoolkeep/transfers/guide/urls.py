"""URLs of the guide ("How do I send this?") and the questions to the DPO, composed into
the transfers app's urls.py (namespace ``transfers``)."""

from django.urls import URLPattern, path

from schoolkeep.transfers.guide import views

urlpatterns: list[URLPattern] = [
    path("", views.guide, name="guide"),
    path("ask/", views.question_create, name="question-create"),
    path("questions/", views.question_list, name="question-list"),
    path("questions/<uuid:public_id>/", views.question_detail, name="question-detail"),
    path("questions/<uuid:public_id>/answer/", views.question_answer, name="question-answer"),
]
