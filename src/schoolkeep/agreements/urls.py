"""Pages of the acceptable use policies (signed in). Each part of the app has its own list."""

from schoolkeep.agreements import urls_aups, urls_links, urls_paper, urls_parents

app_name = "agreements"

urlpatterns = [
    *urls_aups.urlpatterns,
    *urls_links.urlpatterns,
    *urls_paper.urlpatterns,
    *urls_parents.urlpatterns,
]
