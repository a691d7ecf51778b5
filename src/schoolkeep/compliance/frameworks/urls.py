"""URLs of the frameworks part (in the compliance namespace, at /compliance/)."""

from django.urls import URLPattern, path

from schoolkeep.compliance.frameworks import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("frameworks/<slug:code>/", views.framework_detail, name="framework-detail"),
    path("frameworks/<slug:code>/add/", views.requirement_add, name="requirement-add"),
    path("requirements/<uuid:public_id>/change/", views.requirement_edit,
         name="requirement-edit"),
    path("requirements/<uuid:public_id>/withdraw/", views.requirement_withdraw,
         name="requirement-withdraw"),
    path("requirements/<uuid:public_id>/restore/", views.requirement_restore,
         name="requirement-restore"),
    path("all-schools/", views.trust, name="trust"),
    path("all-schools/<slug:slug>/refresh/", views.school_refresh, name="school-refresh"),
    path("all-schools/<slug:slug>/<slug:code>/", views.school_framework,
         name="school-framework"),
]
