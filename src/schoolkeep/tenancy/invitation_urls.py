from django.urls import URLPattern

app_name = "join"

urlpatterns: list[URLPattern] = []
