from django.urls import include, path

app_name = "transfers"

urlpatterns = [
    path("", include("schoolkeep.transfers.guide.urls")),
    path("rules/", include("schoolkeep.transfers.rules.urls")),
    path("log/", include("schoolkeep.transfers.log.urls")),
    path("off-site/", include("schoolkeep.transfers.removals.urls")),
]
