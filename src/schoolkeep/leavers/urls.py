from django.urls import URLPattern

app_name = "leavers"

urlpatterns: list[URLPattern] = []
