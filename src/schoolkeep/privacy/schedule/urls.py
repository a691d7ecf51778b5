from django.urls import path

from schoolkeep.privacy.schedule import views

app_name = "retention"

urlpatterns = [
    path("", views.schedule, name="schedule"),
    path("due/", views.due, name="due"),
    path("add/", views.type_add, name="type-add"),
    path("trust/", views.trust_schedule, name="trust-schedule"),
    path("trust/<uuid:public_id>/", views.trust_type_adjust, name="trust-type-adjust"),
    path("<uuid:public_id>/", views.type_detail, name="type-detail"),
    path("<uuid:public_id>/adjust/", views.type_adjust, name="type-adjust"),
    path("<uuid:public_id>/reset/", views.type_reset, name="type-reset"),
    path("<uuid:public_id>/review/", views.type_review, name="type-review"),
]
