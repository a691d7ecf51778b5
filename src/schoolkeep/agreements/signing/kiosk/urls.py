"""The reception kiosk (namespace "kiosk", prefix /kiosk/). Its pages need a kiosk session,
except ``start`` and ``pin``, which a signed-in member uses to open one and set its PIN."""

from django.urls import path

from schoolkeep.agreements.signing.kiosk import views

app_name = "kiosk"

urlpatterns = [
    path("", views.kiosk_page, name="page"),
    path("end/", views.kiosk_end, name="end"),
    path("open/<uuid:public_id>/", views.kiosk_start, name="start"),
    path("pin/", views.kiosk_pin, name="pin"),
]
