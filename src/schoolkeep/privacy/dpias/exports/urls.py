"""A DPIA's downloads, included by ``privacy/dpias/urls.py`` (namespace ``dpias``)."""

from django.urls import URLPattern, path

from schoolkeep.privacy.dpias.exports import views

urlpatterns: list[URLPattern] = [
    path("<uuid:public_id>/dpia.docx", views.dpia_docx, name="dpia-docx"),
    path("<uuid:public_id>/dpia.pdf", views.dpia_pdf, name="dpia-pdf"),
]
