from django.urls import path

from schoolkeep.tenancy import views_invitations

app_name = "join"

urlpatterns = [
    path("<str:token>/", views_invitations.invitation_accept, name="accept"),
]
