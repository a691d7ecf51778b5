from django.urls import path

from schoolkeep.assets import views
from schoolkeep.assets.aliases import urls as aliases_urls
from schoolkeep.assets.imports import urls as import_urls
from schoolkeep.assets.owners import urls as owners_urls

app_name = "assets"

urlpatterns = [
    path("", views.asset_list, name="asset-list"),
    path("new/", views.asset_create, name="asset-create"),
    path("<uuid:public_id>/", views.asset_detail, name="asset-detail"),
    path("<uuid:public_id>/edit/", views.asset_edit, name="asset-edit"),
    path("<uuid:public_id>/archive/", views.asset_archive, name="asset-archive"),
    path("appendix-1/", views.appendix, name="appendix"),
    path("appendix-1/docx/", views.appendix_docx, name="appendix-docx"),
    path("appendix-1/csv/", views.appendix_csv, name="appendix-csv"),
    path("export/", views.register_export, name="register-export"),
    path("export/<slug:code>/start/", views.export_start, name="export-start"),
    path("processing-record/", views.processing_record, name="processing-record"),
    path("processing-record/xlsx/", views.processing_record_xlsx,
         name="processing-record-xlsx"),
    path("settings/", views.asset_settings, name="settings"),
    path("labels/", views.label_list, name="label-list"),
    path("labels/<uuid:public_id>/", views.label_edit, name="label-edit"),
]

# The import of the register (its own module).
urlpatterns += import_urls.urlpatterns

# Choosing the owners of assets together (assets/owners/).
urlpatterns += owners_urls.urlpatterns

# The names an import matched to the register (assets/aliases/).
urlpatterns += aliases_urls.urlpatterns
