from django.urls import URLPattern

app_name = "tenancy"

urlpatterns: list[URLPattern] = []
