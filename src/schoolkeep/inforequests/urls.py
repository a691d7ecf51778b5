from django.urls import include, path

app_name = "requests"

urlpatterns = [
    path("", include("schoolkeep.inforequests.handling.urls")),
    path("", include("schoolkeep.inforequests.intake.urls")),
    path("", include("schoolkeep.inforequests.progress.urls")),
    path("", include("schoolkeep.inforequests.searches.urls")),
    path("", include("schoolkeep.inforequests.exports.urls")),
    path("bank-holidays/", include("schoolkeep.inforequests.clocks.urls")),
]
