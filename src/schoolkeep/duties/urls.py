from django.urls import path

from schoolkeep.duties import views

app_name = "duties"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("calendar/reset/", views.calendar_reset, name="calendar-reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("kinds/<str:kind>/", views.duty_kind_list, name="duty-kind-list"),
]
