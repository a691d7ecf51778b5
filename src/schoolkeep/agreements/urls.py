"""The signed-in pages under /agreements/ (namespace "agreements"): each concern keeps its own
list, composed here. The policy register (/policies/), the public signing page (/sign/) and
the kiosk (/kiosk/) have namespaces of their own, included by schoolkeep/urls.py."""

from schoolkeep.agreements.aups import urls as aups
from schoolkeep.agreements.parents import urls as parents
from schoolkeep.agreements.signing.links import urls as links
from schoolkeep.agreements.signing.paper import urls as paper

app_name = "agreements"

urlpatterns = [
    *aups.urlpatterns,
    *links.urlpatterns,
    *paper.urlpatterns,
    *parents.urlpatterns,
]
