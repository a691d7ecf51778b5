from django.urls import include, path

app_name = "equipment"

urlpatterns = [
    path("", include("schoolkeep.equipment.inventory.urls")),
    path("import/", include("schoolkeep.equipment.imports.urls")),
    path("loans/", include("schoolkeep.equipment.loans.urls")),
    path("disposals/", include("schoolkeep.equipment.disposals.urls")),
]
