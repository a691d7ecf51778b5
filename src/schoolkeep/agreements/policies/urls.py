"""Pages of the policy register (/policies/)."""

from django.urls import URLPattern, path

from schoolkeep.agreements.policies import views

app_name = "policies"

urlpatterns: list[URLPattern] = [
    path("", views.policy_list, name="policy-list"),
    path("new/", views.policy_create, name="policy-create"),
    path("import/", views.policy_import_upload, name="policy-import"),
    path("<uuid:public_id>/", views.policy_detail, name="policy-detail"),
    path("<uuid:public_id>/edit/", views.policy_edit, name="policy-edit"),
    path("<uuid:public_id>/versions/new/", views.version_create, name="version-create"),
    path("versions/<uuid:public_id>/", views.version_detail, name="version-detail"),
    path("versions/<uuid:public_id>/file/", views.version_download, name="version-download"),
    path("versions/<uuid:public_id>/send/", views.version_send, name="version-send"),
    path("versions/<uuid:public_id>/approve/", views.version_approve, name="version-approve"),
    path("versions/<uuid:public_id>/return/", views.version_return, name="version-return"),
]
