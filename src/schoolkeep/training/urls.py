from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("courses/", include("schoolkeep.training.courses.urls")),
    path("records/", include("schoolkeep.training.records.urls")),
    path("", include("schoolkeep.training.rules.urls")),
    path("import/", include("schoolkeep.training.imports.urls")),
]
