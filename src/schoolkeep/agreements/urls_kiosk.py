"""The reception kiosk (namespace "kiosk", prefix /kiosk/). Its pages need a kiosk session,
except ``start``, which a signed-in member uses to open one."""

from django.urls import path

from schoolkeep.agreements import views_kiosk

app_name = "kiosk"

urlpatterns = [
    path("", views_kiosk.kiosk_page, name="page"),
    path("end/", views_kiosk.kiosk_end, name="end"),
    path("open/<uuid:public_id>/", views_kiosk.kiosk_start, name="start"),
]
