"""URLs of the digital housekeeping campaigns (in the housekeeping namespace): the
campaigns, launch, a campaign's page and its actions, the member's confirm page, the
one-use link's public page (and a quiet 404 beneath it, so that a token never reaches the
logs through Django's "Not Found" warning) and the school's checklist."""

from django.urls import URLPattern, path

from schoolkeep.housekeeping.campaigns import link_views, views

urlpatterns: list[URLPattern] = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("checklist/", views.checklist, name="checklist"),
    path("<uuid:public_id>/", views.campaign_detail, name="campaign-detail"),
    path("<uuid:public_id>/remind/", views.campaign_remind, name="campaign-remind"),
    path("<uuid:public_id>/close/", views.campaign_close, name="campaign-close"),
    path("<uuid:public_id>/record/<uuid:confirmation_id>/", views.campaign_record,
         name="campaign-record"),
    path("confirm/<uuid:public_id>/", views.confirm, name="confirm"),
    path("link/<str:token>/", link_views.confirm_link, name="link"),
    path("link/<path:rest>", link_views.not_found, name="link-not-found"),
]
