"""Searches and the schedule of items: the checklist of a request, the page of one search
(its assignee's), and the schedule's forms. Searches and items have no public id: their
integer id is looked up inside the current school only (another school's is a 404)."""

from django.urls import URLPattern, path

from schoolkeep.inforequests.searches import views

urlpatterns: list[URLPattern] = [
    path("<uuid:public_id>/searches/", views.search_list, name="search-list"),
    path("<uuid:public_id>/searches/generate/", views.search_generate, name="search-generate"),
    path("<uuid:public_id>/searches/add/", views.search_add_view, name="search-add"),
    path("searches/<int:task_id>/", views.search_detail, name="search-detail"),
    path("searches/<int:task_id>/assign/", views.search_assign_view, name="search-assign"),
    path("<uuid:public_id>/items/", views.item_list, name="item-list"),
    path("<uuid:public_id>/items/add/", views.item_add_view, name="item-add"),
    path("items/<int:item_id>/", views.item_edit, name="item-edit"),
    path("items/<int:item_id>/remove/", views.item_remove_view, name="item-remove"),
]
