from django.urls import include, path

app_name = "continuity"

urlpatterns = [
    path("", include("schoolkeep.continuity.scopes.urls")),
    path("checks/", include("schoolkeep.continuity.checks.urls")),
    path("plan/", include("schoolkeep.continuity.plan.urls")),
]
