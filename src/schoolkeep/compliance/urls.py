from django.urls import include, path

app_name = "compliance"

urlpatterns = [
    path("", include("schoolkeep.compliance.frameworks.urls")),
    path("controls/", include("schoolkeep.compliance.controls.urls")),
    path("governor-pack/", include("schoolkeep.compliance.pack.urls")),
    path("policy-document/", include("schoolkeep.compliance.policydoc.urls")),
]
