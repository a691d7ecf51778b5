"""URLs of access/reviews (included by the app's urls.py, in its namespace)."""

from django.urls import URLPattern, path

from schoolkeep.access.reviews import views

urlpatterns: list[URLPattern] = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<uuid:public_id>/", views.review_asset, name="review-asset"),
]
