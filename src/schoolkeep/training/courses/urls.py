"""URLs of courses (included under "courses/" in the training namespace)."""

from django.urls import path

from schoolkeep.training.courses import views

urlpatterns = [
    path("", views.course_list, name="course-list"),
    path("new/", views.course_create, name="course-create"),
    path("<uuid:public_id>/", views.course_detail, name="course-detail"),
    path("<uuid:public_id>/change/", views.course_edit, name="course-edit"),
    path("<uuid:public_id>/archive/", views.course_archive, name="course-archive"),
]
