from django.urls import path

from schoolkeep.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("two-factor-required/", views.mfa_required, name="mfa-required"),
    path("session/", views.session_status, name="session-status"),
    path("tokens/new/", views.token_create, name="token-create"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("lockouts/", views.lockout_list, name="lockout-list"),
    path("lockouts/<int:attempt_id>/unlock/", views.lockout_unlock, name="lockout-unlock"),
]
