from django.urls import path

from schoolkeep.overview import views

app_name = "overview"

urlpatterns = [
    path("", views.school, name="school"),
    path("schools/", views.schools, name="schools"),
    path("schools/<slug:slug>/", views.school_of, name="school-of"),
]
