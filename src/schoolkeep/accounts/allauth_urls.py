"""allauth's routes, less those Schoolkeep does not offer.

Sign-up is closed (members join by invitation), the login e-mail is the account's one
address (no second addresses, phone numbers or login codes).
"""

from allauth.account import urls as account_urls
from django.urls import URLPattern, URLResolver, include, path

_NOT_OFFERED = {
    "account_signup",
    "account_signup_by_passkey",
    "account_email",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_verify_phone",
    "account_change_phone",
    "account_request_login_code",
    "account_confirm_login_code",
    "account_inactive",
}

urlpatterns: list[URLPattern | URLResolver] = [
    pattern
    for pattern in account_urls.urlpatterns
    if getattr(pattern, "name", None) not in _NOT_OFFERED
]
urlpatterns += [
    path("2fa/", include("allauth.mfa.urls")),
    path("sessions/", include("allauth.usersessions.urls")),
]
