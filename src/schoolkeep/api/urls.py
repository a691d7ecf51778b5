from django.urls import path

from schoolkeep.api.main import api

urlpatterns = [path("", api.urls)]
