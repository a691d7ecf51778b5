"""Pages of incidents (signed in). Each part of the app has its own list."""

from schoolkeep.incidents import urls_exports, urls_handling, urls_report

app_name = "incidents"

urlpatterns = [
    *urls_report.urlpatterns,
    *urls_handling.urlpatterns,
    *urls_exports.urlpatterns,
]
