from django.urls import include, path

from schoolkeep import views

# The site's HTML error pages, or JSON for a path under /api/ (schoolkeep.api.errors).
handler400 = "schoolkeep.api.errors.bad_request"
handler403 = "schoolkeep.api.errors.permission_denied"
handler404 = "schoolkeep.api.errors.page_not_found"
handler500 = "schoolkeep.api.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("schoolkeep.accounts.allauth_urls")),
    path("account/", include("schoolkeep.accounts.urls")),
    path("join/", include("schoolkeep.tenancy.invitation_urls")),
    path("school/", include("schoolkeep.tenancy.urls")),
    path("audit/", include("schoolkeep.audit.urls")),
    path("duties/", include("schoolkeep.duties.urls")),
    path("overview/", include("schoolkeep.overview.urls")),
    path("people/", include("schoolkeep.people.urls")),
    path("systems/", include("schoolkeep.systems.urls")),
    path("backups/", include("schoolkeep.backups.urls")),
    path("access/", include("schoolkeep.access.urls")),
    path("passwords/", include("schoolkeep.passwords.urls")),
    path("leavers/", include("schoolkeep.leavers.urls")),
    path("equipment/", include("schoolkeep.equipment.urls")),
    path("transfers/", include("schoolkeep.transfers.urls")),
    path("continuity/", include("schoolkeep.continuity.urls")),
    path("training/", include("schoolkeep.training.urls")),
    path("housekeeping/", include("schoolkeep.housekeeping.urls")),
    path("compliance/", include("schoolkeep.compliance.urls")),
    path("assets/", include("schoolkeep.assets.urls")),
    path("agreements/", include("schoolkeep.agreements.urls")),
    path("policies/", include("schoolkeep.agreements.policies.urls")),
    # No sign-in: a personal signing link, and the reception kiosk.
    path("sign/", include("schoolkeep.agreements.signing.page.urls")),
    path("kiosk/", include("schoolkeep.agreements.signing.kiosk.urls")),
    path("incidents/", include("schoolkeep.incidents.urls")),
    path("requests/", include("schoolkeep.inforequests.urls")),
    path("dpias/", include("schoolkeep.privacy.dpias.urls")),
    path("suppliers/", include("schoolkeep.privacy.suppliers.urls")),
    path("retention/", include("schoolkeep.privacy.schedule.urls")),
    path("destructions/", include("schoolkeep.privacy.destruction.urls")),
    path("erasure/", include("schoolkeep.privacy.erasure.urls")),
    # No sign-in: a school's request page (subject access, freedom of information, ...).
    path("ask/", include("schoolkeep.inforequests.intake.public_urls")),
    # No sign-in: a school's "report a concern" page.
    path("report/", include("schoolkeep.incidents.report.public_urls")),
    path("jobs/", include("schoolkeep.jobs.urls")),
    path("api/v1/", include("schoolkeep.api.urls")),
]
