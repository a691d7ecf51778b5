from django.urls import include, path

app_name = "housekeeping"

urlpatterns = [
    path("", include("schoolkeep.housekeeping.campaigns.urls")),
]
