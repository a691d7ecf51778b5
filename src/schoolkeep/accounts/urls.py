from django.urls import path

from schoolkeep.accounts import views

app_name = "accounts"

urlpatterns = [
    path("two-factor-required/", views.mfa_required, name="mfa-required"),
]
