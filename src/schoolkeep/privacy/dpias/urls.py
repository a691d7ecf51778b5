"""DPIAs: the list, start one, its page and the forms of each step; the downloads (Word and
PDF) come from ``exports``."""

from django.urls import URLPattern, URLResolver, include, path

from schoolkeep.privacy.dpias import views

app_name = "dpias"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dpia_list, name="dpia-list"),
    path("start/", views.dpia_start, name="dpia-start"),
    path("<uuid:public_id>/", views.dpia_detail, name="dpia-detail"),
    path("<uuid:public_id>/screening/", views.dpia_screening, name="dpia-screening"),
    path("<uuid:public_id>/assessment/", views.dpia_edit, name="dpia-edit"),
    path("<uuid:public_id>/risks/add/", views.dpia_risk_add, name="dpia-risk-add"),
    path("<uuid:public_id>/risks/<uuid:risk_id>/", views.dpia_risk_edit,
         name="dpia-risk-edit"),
    path("<uuid:public_id>/risks/<uuid:risk_id>/remove/", views.dpia_risk_remove,
         name="dpia-risk-remove"),
    path("<uuid:public_id>/advice/", views.dpia_advice, name="dpia-advice"),
    path("<uuid:public_id>/ico/", views.dpia_ico, name="dpia-ico"),
    path("<uuid:public_id>/sign-off/", views.dpia_sign_off, name="dpia-sign-off"),
    path("<uuid:public_id>/archive/", views.dpia_archive, name="dpia-archive"),
    path("", include("schoolkeep.privacy.dpias.exports.urls")),
]
