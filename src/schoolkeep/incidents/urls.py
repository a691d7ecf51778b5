"""Pages of incidents (signed in). Each part of the app (report/, handling/, exports/) has its
own list, composed here; the no-login page is report/public_urls.py."""

from schoolkeep.incidents.exports import urls as exports
from schoolkeep.incidents.handling import urls as handling
from schoolkeep.incidents.report import urls as report

app_name = "incidents"

urlpatterns = [
    *report.urlpatterns,
    *handling.urlpatterns,
    *exports.urlpatterns,
]
