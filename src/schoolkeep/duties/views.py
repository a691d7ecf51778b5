"""The dashboard ("what needs doing"), the page of one kind of duty and the personal calendar
feed. Each school's duties counted across a trust are on the schools overview
(``overview:schools``).

The dashboard's size does not grow with the school: the viewer's running legal clocks lead
in a banner with the time left, then each area and kind of duty shows its counts and its
``DASHBOARD_PREVIEW`` most urgent duties, with a link to that kind's page, 50 a page, and,
when its provider offers one, a step dealing with all of them together.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from schoolkeep.backups.services_nightly import last_good_backup
from schoolkeep.duties import registry, selectors
from schoolkeep.duties.calendar import feed_ics, feed_token_reset, user_for_token
from schoolkeep.duties.clocks import time_left
from schoolkeep.duties.types import HORIZON, Duty
from schoolkeep.lib import downloads
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.text import listed
from schoolkeep.tenancy.decorators import school_view

DUTIES_PER_PAGE = 50
OTHERS = "others"  # ?who=others: the kind's duties owned by others, for who oversees them


@school_view("school.view")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    now = timezone.now()
    duties = selectors.dashboard_for(access, int(request.user.pk or 0), now)
    total = duties.total
    context = {
        "page_title": "What needs doing",
        "clocks": [(group, [(duty, time_left(duty.due_at, now)) for duty in group.first])
                   for group in duties.clocks],
        "clocks_passed": all(duty.overdue for group in duties.clocks for duty in group.first),
        "mine": duties.mine,
        "others": duties.others,
        "sees_all": duties.sees_all,
        "hidden": listed(duties.hidden),
        # The table by area only when it says something: never a table of zeros.
        "module_counts": selectors.module_counts(duties.per_module) if total.total else [],
        "total": total,
        "horizon_days": HORIZON.days,
        # For who checks rather than does: the school's overview, once it exists.
        "overview_url": selectors.linked_url(access, "overview.view", "overview:school"),
        # The installation's last good backup, for who looks after systems: one query.
        "sees_backups": access.can("systems.view"),
        "last_backup": last_good_backup() if access.can("systems.view") else None,
    }
    return render(request, "duties/dashboard.html", context)


@school_view("school.view")
@require_GET
def duty_kind_list(request: HttpRequest, kind: str) -> HttpResponse:
    """Every duty of one kind the member may see, 50 a page: their own, or (``?who=others``)
    the ones they oversee. A kind they may not oversee is not found, as on the dashboard."""
    oversight = request.GET.get("who") == OTHERS
    if not registry.is_known_kind(kind):
        raise Http404("No such kind of duty")
    access = request.access  # type: ignore[attr-defined]
    if oversight and registry.module_of_kind(kind) not in selectors.overseen_modules(access):
        raise Http404("No such kind of duty")
    reader = selectors.reader_for(access.school, timezone.now(), user_id=int(request.user.pk or 0))
    duties = selectors.KindSequence(reader, kind, mine=not oversight)
    # A sequence read one page (one limited query) at a time, not a list.
    pages: Paginator[Duty] = Paginator(duties, DUTIES_PER_PAGE)  # type: ignore[arg-type]
    return render(request, "duties/duty_kind_list.html", {
        "page_title": registry.kind_label(kind), "kind_label": registry.kind_label(kind),
        "page": pages.get_page(request.GET.get("page")), "oversight": oversight,
        "query": f"who={OTHERS}" if oversight else "", "counts": duties.counts,
        "horizon_days": HORIZON.days,
    })


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed, opened by calendar programs without signing in: the token is the key."""
    user = user_for_token(token)
    if user is None:
        raise Http404("Not found")
    response = download_response(feed_ics(user, timezone.now()), inline=True,
                                 name="schoolkeep-duties", content_type=downloads.CALENDAR)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    had_feed = bool(request.user.calendar_token)  # type: ignore[union-attr]
    feed_token_reset(user=request.user, actor=request.user)  # type: ignore[arg-type]
    if had_feed:
        messages.success(request, "Your calendar feed has a new link. The old link has stopped "
                                  "working: update your calendar with the new one.")
    else:
        messages.success(request, "Your calendar feed is ready. Copy its link into your calendar.")
    return redirect("accounts:account")
