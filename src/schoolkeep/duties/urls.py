from django.urls import URLPattern

app_name = "duties"

urlpatterns: list[URLPattern] = []
