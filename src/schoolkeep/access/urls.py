from django.urls import include, path

app_name = "access"

urlpatterns = [
    path("", include("schoolkeep.access.accounts.urls")),
    path("", include("schoolkeep.access.imports.urls")),
    path("", include("schoolkeep.access.coverage.urls")),
    path("", include("schoolkeep.access.reviews.urls")),
]
