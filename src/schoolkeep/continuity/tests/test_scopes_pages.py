"""The pages of what needs protecting and the backup sets: the landing page (each scope's
verdict with its reasons and next step, the same queries at 3 and 40 scopes), "start with
the usual scopes" (POST only; the ticked cloud systems; twice adds nothing), adding a cloud
system from the register, changing and archiving a scope, the sets' list (the same queries
at 3 and 40 sets), adding a set with a typed provider (added to the organisations), the
install sets read-only (403), retiring, the check window, bad input named on its field,
another school's records a 404 and read-only roles a 403."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.audit.models import AuditEvent
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupSet, ContinuitySettings, Scope
from schoolkeep.continuity.scopes.selectors import scope_rows, set_rows
from schoolkeep.continuity.tests.scopes_records import make_scope, make_set
from schoolkeep.systems.services import system_create

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("continuity:scope-list")
START = reverse("continuity:scopes-start")
SETS = reverse("continuity:set-list")


def url(name: str, record: Scope | BackupSet) -> str:
    return reverse(f"continuity:{name}", args=[record.public_id])


def test_the_landing_page_shows_each_verdict_and_next_step(personas: Personas,
                                                           login: Login) -> None:
    school = personas.school
    admin = make_scope(school)
    make_set(school, "Tapes", scopes=[admin], offline=True)
    make_set(school, "NAS", scopes=[admin])
    make_set(school, "JKCloud", scopes=[admin], off_site=True)
    curriculum = make_scope(school, "Curriculum network", kind="curriculum_network")
    make_set(school, "Old disk", scopes=[curriculum], checked_days_ago=40)
    html = login(personas.auditor).get(LIST).content.decode()
    assert "2 copies" not in html and "Scopes (2): 1 meets the 3-2-1 rule" in html
    assert html.count("Meets 3-2-1") == 1 and html.count("Does not meet 3-2-1") == 1
    assert "Old disk: no successful check in 30 days" in html
    assert "Record a check of each backup" in html
    assert "Start with the usual scopes" not in html and "Add a backup set" not in html


@pytest.mark.parametrize("rows", [3, 40])
def test_the_landing_page_runs_the_same_queries(personas: Personas, login: Login, rows: int,
                                                django_assert_num_queries) -> None:
    school = personas.school
    shared = make_set(school, "Tapes", scopes=[], offline=True)
    for number in range(rows):
        scope = make_scope(school, f"System {number}", kind="other")
        shared.scopes.add(scope)
    client = login(personas.auditor)
    client.get(LIST)
    with CaptureQueriesContext(connection) as warm:
        client.get(LIST)
    with django_assert_num_queries(len(warm)):
        response = client.get(LIST)
    assert response.content.decode().count("Does not meet 3-2-1") == rows
    assert len(warm) <= 25  # the page and its layout; the same at 3 and 40 scopes


def test_start_with_the_usual_scopes(personas: Personas, login: Login) -> None:
    school = personas.school
    cloud = system_create(school=school, actor=None, name="CPOMS",
                          hosting="In the supplier's cloud")
    local = system_create(school=school, actor=None, name="Door entry", hosting="On site")
    client = login(personas.it_lead)
    page = client.get(LIST).content.decode()
    assert "Start with the usual scopes" in page
    ticks = {match[0]: bool(match[1]) for match in re.findall(
        r'value="([0-9a-f-]{36})"[^>]*?( checked)?>', page)}
    assert ticks == {str(cloud.public_id): True, str(local.public_id): False}
    assert client.get(START).status_code == 405  # a GET changes nothing
    response = client.post(START, {"systems": [str(cloud.public_id)]})
    assert response.status_code == 302
    names = set(Scope.objects.filter(school=school).values_list("name", flat=True))
    assert names == {"Admin network", "Curriculum network", "Schoolkeep", "CPOMS"}
    assert Scope.objects.get(name="CPOMS").system == cloud
    assert BackupSet.objects.filter(school=school, install_copy="archive").exists()
    client.post(START, {"systems": [str(local.public_id)]})
    assert Scope.objects.filter(school=school).count() == 5  # only Door entry was new
    again = client.post(START, {}, follow=True).content.decode()
    assert "The usual scopes are here already." in again
    assert Scope.objects.filter(school=school).count() == 5
    assert AuditEvent.objects.filter(action="continuity.scope.created").count() == 4


def test_start_skips_a_ticked_system_named_like_a_usual_scope(personas: Personas,
                                                              login: Login) -> None:
    school = personas.school
    network = system_create(school=school, actor=None, name="Admin Network",
                            hosting="Cloud")
    twin = system_create(school=school, actor=None, name="CPOMS", hosting="Cloud")
    make_scope(school, "Cpoms", kind="other")  # an existing scope of the same name
    client = login(personas.it_lead)
    response = client.post(START, {"systems": [str(network.public_id), str(twin.public_id)]},
                           follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Admin Network and CPOMS were not added" in page
    assert Scope.objects.filter(school=school, name_key="admin network").count() == 1
    assert Scope.objects.get(school=school, name_key="admin network").kind == "admin_network"
    assert Scope.objects.filter(school=school, name_key="cpoms").count() == 1


def test_adding_a_cloud_system_and_changing_archiving_a_scope(personas: Personas,
                                                              login: Login) -> None:
    school = personas.school
    system = system_create(school=school, actor=None, name="Arbor")
    client = login(personas.business_manager)
    create = reverse("continuity:scope-create")
    assert "Arbor" in client.get(create, {"system": str(system.public_id)}).content.decode()
    missing = client.post(create, {"kind": "cloud_system"})
    assert "Choose the cloud system from the register&#x27;s systems." in \
        missing.content.decode() and not Scope.objects.exists()
    response = client.post(create, {"kind": "cloud_system", "system": str(system.public_id),
                                     "manage_without": "day"})
    scope = Scope.objects.get()
    assert response["Location"] == url("scope-detail", scope)
    assert (scope.name, scope.system, scope.manage_without) == ("Arbor", system, "day")
    twice = client.post(create, {"kind": "other", "name": "arbor "})
    assert "already one of the things that need protecting" in twice.content.decode()
    client.post(url("scope-edit", scope), {"version": "1", "kind": "cloud_system",
                                           "system": str(system.public_id), "name": "Arbor MIS",
                                           "manage_without": "hours"})
    scope.refresh_from_db()
    assert (scope.name, scope.manage_without, scope.version) == ("Arbor MIS", "hours", 2)
    stale = client.post(url("scope-edit", scope), {"version": "1", "kind": "other",
                                                   "name": "Late"})
    assert "Someone else changed this scope" in stale.content.decode()
    assert client.get(url("scope-archive", scope)).status_code == 200
    assert Scope.objects.get().archived_at is None  # the GET changed nothing
    client.post(url("scope-archive", scope))
    assert Scope.objects.get().archived_at is not None
    assert client.get(url("scope-edit", scope)).status_code == 403


def test_the_schoolkeep_scope_and_sets_are_read_only(personas: Personas,
                                                     login: Login) -> None:
    ensure_install_sets([personas.school.pk])
    archive = BackupSet.objects.get(install_copy="archive")
    scope = Scope.objects.get(kind="schoolkeep")
    client = login(personas.siro)
    page = client.get(url("set-detail", archive)).content.decode()
    assert "Schoolkeep keeps this backup itself" in page and "Retire it" not in page
    assert client.get(url("set-edit", archive)).status_code == 403
    assert client.post(url("set-retire", archive)).status_code == 403
    assert client.post(url("scope-archive", scope)).status_code == 403
    assert BackupSet.objects.get(pk=archive.pk).retired_at is None
    # Its owner and notes may change; its name stays.
    client.post(url("scope-edit", scope), {"version": "1", "name": "Mine",
                                           "manage_without": "day", "notes": "Ours"})
    scope.refresh_from_db()
    assert (scope.name, scope.notes, scope.manage_without) == ("Schoolkeep", "Ours", "day")


def test_adding_changing_and_retiring_a_set(personas: Personas, login: Login) -> None:
    school = personas.school
    scope = make_scope(school)
    client = login(personas.it_lead)
    create = reverse("continuity:set-create")
    bad = client.post(create, {"name": "Cloud", "medium": "cloud", "schedule": "other",
                               "location": "RedStor cloud"})
    assert "Say how often it runs." in bad.content.decode() and not BackupSet.objects.exists()
    response = client.post(create, {
        "name": "RedStor backups", "medium": "cloud", "location": "RedStor cloud",
        "provider_name": "RedStor", "off_site": "on", "encrypted": "on",
        "schedule": "daily", "scopes": [str(scope.public_id)]})
    backup_set = BackupSet.objects.get()
    assert response["Location"] == url("set-detail", backup_set)
    assert backup_set.provider_organisation == OutsideOrganisation.objects.get(name="RedStor")
    assert list(backup_set.scopes.all()) == [scope] and backup_set.off_site
    assert backup_set.device_key == "redstor cloud"
    client.post(url("set-edit", backup_set), {
        "version": "1", "name": "RedStor backups", "medium": "cloud",
        "location": "RedStor  Cloud", "schedule": "weekly", "offline": "on"})
    backup_set.refresh_from_db()
    assert (backup_set.schedule, backup_set.offline, backup_set.version) == ("weekly", True, 2)
    assert list(backup_set.scopes.all()) == []  # no scope ticked: it protects nothing now
    assert client.get(url("set-retire", backup_set)).status_code == 200
    client.post(url("set-retire", backup_set))
    backup_set.refresh_from_db()
    assert backup_set.retired_at is not None
    assert client.get(url("set-edit", backup_set)).status_code == 403
    assert "RedStor backups" not in client.get(SETS).content.decode()
    assert "RedStor backups" in client.get(SETS, {"status": "retired"}).content.decode()
    actions = list(AuditEvent.objects.filter(action__startswith="continuity.set.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["continuity.set.created", "continuity.set.updated",
                       "continuity.set.retired"]


@pytest.mark.parametrize("rows", [3, 40])
def test_the_sets_list_runs_the_same_queries(personas: Personas, login: Login, rows: int,
                                             django_assert_num_queries) -> None:
    school = personas.school
    scope = make_scope(school)
    for number in range(rows):
        make_set(school, f"Disk {number:02}", scopes=[scope])
    client = login(personas.auditor)
    client.get(SETS)
    with CaptureQueriesContext(connection) as warm:
        client.get(SETS)
    with django_assert_num_queries(len(warm)):
        html = client.get(SETS).content.decode()
    assert f"Sets ({rows})" in html and len(warm) <= 25


def test_the_check_window(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    settings_url = reverse("continuity:settings")
    bad = client.post(settings_url, {"version": "1", "check_window_days": "400"})
    assert bad.status_code == 200 and not ContinuitySettings.objects.exists()
    client.post(settings_url, {"version": "1", "check_window_days": "14"})
    assert ContinuitySettings.objects.get().check_window_days == 14
    assert AuditEvent.objects.filter(action="continuity.settings.updated").count() == 1


def test_other_schools_records_and_read_only_roles(personas: Personas, login: Login) -> None:
    theirs = make_scope(personas.other_school, "Their network")
    their_set = make_set(personas.other_school, "Their tapes", scopes=[theirs])
    siro = login(personas.siro)
    assert siro.get(url("scope-detail", theirs)).status_code == 404
    assert siro.get(url("set-detail", their_set)).status_code == 404
    assert siro.post(url("set-retire", their_set)).status_code == 404
    auditor = login(personas.auditor)
    mine = make_scope(personas.school)
    assert auditor.get(url("scope-detail", mine)).status_code == 200
    assert auditor.post(url("scope-archive", mine)).status_code == 403
    assert auditor.post(START).status_code == 403
    assert login(personas.staff).get(LIST).status_code == 403


def test_each_scope_gets_its_next_step(personas: Personas) -> None:
    school = personas.school
    empty = make_scope(school, "Empty")
    short = make_scope(school, "Short", kind="other")
    make_set(school, "Tapes", scopes=[short], offline=True)
    make_set(school, "Cloud", scopes=[short], off_site=True)
    onsite = make_scope(school, "On site", kind="other")
    for name in ("Disk A", "Disk B", "Disk C"):
        make_set(school, name, scopes=[onsite])
    unchecked = make_scope(school, "Unchecked", kind="other")
    make_set(school, "Never checked", scopes=[unchecked], checked_days_ago=None)
    steps = {row.scope.name: row.next_step
             for row in scope_rows(school=school, today=timezone.localdate())}
    no_offline = make_scope(school, "No offline", kind="other")
    for name in ("Cloud A", "Disk D", "Disk E"):
        make_set(school, name, scopes=[no_offline], off_site=name == "Cloud A")
    no_off_site = make_scope(school, "No off site", kind="other")
    for name in ("Tape B", "Disk F", "Disk G"):
        make_set(school, name, scopes=[no_off_site], offline=name == "Tape B")
    steps = {row.scope.name: row.next_step
             for row in scope_rows(school=school, today=timezone.localdate())}
    assert steps == {"Empty": "Record its backups", "Short": "Add a backup on another device",
                     "On site": "Keep one copy off site and one offline",
                     "No offline": "Keep one copy offline",
                     "No off site": "Keep one copy off site",
                     "Unchecked": "Record a check of each backup"}
    assert empty.pk  # listed though it has no set


def test_the_schoolkeep_scope_asks_for_a_set_of_the_schools_own(personas: Personas,
                                                                login: Login) -> None:
    school = personas.school
    ensure_install_sets([school.pk])
    scope = Scope.objects.get(school=school, kind="schoolkeep")
    rows = {row.scope.name: row for row in scope_rows(school=school,
                                                      today=timezone.localdate())}
    wanted = "Add a backup set of the school's own that protects it"
    assert rows["Schoolkeep"].next_step == wanted
    page = login(personas.it_lead).get(LIST).content.decode()
    link = f'href="{reverse("continuity:set-create")}?scope={scope.public_id}">{escape(wanted)}</a>'
    assert link in page
    assert reverse("continuity:check-create") not in page  # its sets cannot be checked here
    form = login(personas.it_lead).get(
        f'{reverse("continuity:set-create")}?scope={scope.public_id}').content.decode()
    assert re.search(rf'value="{scope.public_id}"[^>]*checked', form)
    own = make_set(school, "Server backup to NAS", scopes=[scope], checked_days_ago=None)
    rows = {row.scope.name: row for row in scope_rows(school=school,
                                                      today=timezone.localdate())}
    assert rows["Schoolkeep"].next_step == "Record a check of each backup"
    assert own.pk


def test_a_sets_page_says_why_it_does_not_count(personas: Personas, login: Login) -> None:
    school = personas.school
    ContinuitySettings.objects.create(school=school, check_window_days=21)
    scope = make_scope(school)
    stale = make_set(school, "Old disk", scopes=[scope], checked_days_ago=25)
    alone = make_set(school, "Spare disk", scopes=[], checked_days_ago=1)
    ensure_install_sets([school.pk])
    archive = BackupSet.objects.get(school=school, install_copy="archive")
    client = login(personas.it_lead)
    page = client.get(url("set-detail", stale)).content.decode()
    assert "in the last 21 days" in page and "few weeks" not in page
    page = client.get(url("set-detail", alone)).content.decode()
    assert "Counts in the 3-2-1 rule" not in page
    assert "Checked recently, but protects nothing yet" in page
    page = client.get(url("set-detail", archive)).content.decode()
    assert "Schoolkeep has had no good nightly run in the last 21 days" in page
    assert "needs a successful check recorded" not in page
    # The API's "counts" is the row's.
    [row] = set_rows([alone], school=school, today=timezone.localdate())
    assert row.recent and not row.counts
