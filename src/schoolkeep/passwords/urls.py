from django.urls import include, path

app_name = "passwords"

urlpatterns = [
    # The cycles, the holders' own page and attestations: passwords/views.py.
    path("", include("schoolkeep.passwords.cycle_urls")),
    path("", include("schoolkeep.passwords.reminders.urls")),
    path("", include("schoolkeep.passwords.events.urls")),
]
