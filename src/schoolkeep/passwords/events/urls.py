"""URLs of passwords/events (included by the app's urls.py, in its namespace)."""

from django.urls import URLPattern, path

from schoolkeep.passwords.events import views

urlpatterns: list[URLPattern] = [
    path("systems/<uuid:public_id>/compromised/", views.system_compromised,
         name="system-compromised"),
    path("forced/<uuid:public_id>/", views.forced_change, name="forced-change"),
]
