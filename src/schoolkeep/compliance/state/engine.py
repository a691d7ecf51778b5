"""Working out the state of a school's controls, requirements and frameworks, when read.

The rules are those of docs/compliance.md (common18):

Computed control (``measures``: measure keys; ``duty_kinds``: duty kinds):
1. NOT MET when any duty of its kinds is overdue (a duty merely due does not count);
2. else NOT YET ASSESSED when none of its measures has a figure with total > 0, unless
   ``when_empty`` is "met" (then MET); a control with no measures and no overdue duty is
   MET when ``when_empty`` is "met";
3. else MET when every present figure is fully met, else PARTLY MET.

Attested control (cadence termly, yearly or every N days; the school's setting may change it):
1. NOT YET ASSESSED when never confirmed;
2. NOT MET when the latest confirmation found it not done, or its next due date (from
   ``duties.cadence.next_due`` counted from the latest confirmation) has passed;
3. else MET.

Requirement: no controls, or all its controls not assessed: NOT YET ASSESSED; all met: MET;
every assessed control not met: NOT MET; otherwise PARTLY MET. Framework score:
``types.score_permille``.

Query counts do not grow with the number of controls or requirements: the controls and their
settings (2), the school's people (1), each measure provider named by a control (1 each), each
duty provider named by a control (its ``kind_counts``, or its constant ``for_school``), the
latest confirmation of every attested control (1), the term dates (1, when there is an
attested control), and for frameworks the current frameworks (1) and their requirements (2).
The duty module ``compliance`` (this app's own duties, which read these states) is never
read here, so the two never call each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse

from schoolkeep.compliance.models import Attestation, Control, Framework, State
from schoolkeep.compliance.pack.status import known_terms
from schoolkeep.compliance.state import selectors
from schoolkeep.compliance.state.requirements import current_frameworks, requirements_for
from schoolkeep.compliance.state.types import (
    ControlState,
    FrameworkState,
    Reason,
    RequirementState,
)
from schoolkeep.duties import registry as duties_registry
from schoolkeep.duties.cadence import DueDate, next_due, years_around
from schoolkeep.duties.selectors import DutyReader, overseen_modules
from schoolkeep.duties.types import OVERDUE, local_date, status_for
from schoolkeep.overview import registry as measures_registry
from schoolkeep.overview.types import Figure, MeasureProvider, MeasureSpec
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.models import School

OWN_MODULE = "compliance"  # this app's duties: never read by the engine (they read it)


# --- links --------------------------------------------------------------------------------


def _url(access: SchoolAccess | None, permission: str, name: str,
         args: Sequence[object] = ()) -> str:
    """The path of ``name`` when the viewer holds ``permission`` ("" needs none) and the URL
    exists (another part may not have built it yet); "" without a viewer."""
    if access is None or (permission and not access.can(permission)):
        return ""
    try:
        return reverse(name, args=list(args))
    except NoReverseMatch:
        return ""


def _kind_url(access: SchoolAccess | None, kind: str) -> str:
    """The dashboard's page of one kind of duty, showing every duty of the kind at the
    school: only for a viewer whose roles oversee the kind's module (another viewer would
    land on a list of their own duties, which need not hold what the reason counts)."""
    if access is None:
        return ""
    module = duties_registry.module_of_kind(kind)
    if module not in overseen_modules(access):
        return ""
    try:
        url = reverse("duties:duty-kind-list", args=[kind])
    except NoReverseMatch:
        return ""
    return f"{url}?who=others"


# --- what the controls need read ----------------------------------------------------------


def _specs() -> dict[str, tuple[MeasureProvider, MeasureSpec]]:
    return {spec.key: (provider, spec)
            for provider in measures_registry.providers() for spec in provider.specs}


def _figures(school_id: int, controls: Iterable[Control], now: datetime
             ) -> dict[str, Figure]:
    """{measure key: Figure} of every measure the computed controls name: one query per
    measure provider named, whatever the number of controls."""
    wanted = {key for control in controls for key in (control.measures or [])}
    specs = _specs()
    providers: dict[str, MeasureProvider] = {}
    for key in wanted:
        if key in specs:
            provider = specs[key][0]
            providers[provider.module] = provider
    found: dict[str, tuple[int, ...]] = {}
    for provider in providers.values():
        for key, counted in provider.figures([school_id], now=now).get(school_id, {}).items():
            found[key] = tuple(counted)
    figures = {}
    for key in wanted:
        if key not in specs:
            continue  # a measure no provider declares (yet): as if it counted nothing
        spec = specs[key][1]
        if key in found:
            met, total, *pending = found[key]
            figures[key] = Figure(spec, met, total, present=True, pending=sum(pending))
        else:
            figures[key] = Figure(spec, 0, 0, present=False)
    return figures


@dataclass(frozen=True)
class KindCounts:
    overdue: int = 0
    due: int = 0


def _duty_counts(people: selectors.People, controls: Iterable[Control], now: datetime
                 ) -> dict[str, KindCounts]:
    """{duty kind: overdue and due-soon counts} of every kind the computed controls name,
    each provider asked once (``DutyReader.counts``); this app's own duties are skipped."""
    kinds = {kind for control in controls for kind in (control.duty_kinds or [])}
    modules = {duties_registry.module_of_kind(kind) for kind in kinds} - {OWN_MODULE}
    reader = DutyReader(people.school_id, now, holders=people.holders_by_school())
    counted: dict[str, KindCounts] = {}
    for module in sorted(modules):
        provider = duties_registry.provider_for(module)
        if provider is None:
            continue
        for kind, owned in reader.counts(provider).items():
            total = owned.total
            counted[kind] = KindCounts(overdue=total.overdue, due=total.due)
    return counted


def latest_attestations(school_id: int, control_ids: Sequence[int]) -> dict[int, Attestation]:
    """{control pk: its latest attestation at the school} in one query (one row each)."""
    if not control_ids:
        return {}
    latest = (Attestation.objects.filter(school_id=school_id, control_id=OuterRef("control_id"))
              .order_by("-attested_on", "-created_at", "-pk").values("pk")[:1])
    rows = (Attestation.objects.filter(school_id=school_id, control_id__in=list(control_ids))
            .filter(pk=Subquery(latest)).select_related("attested_by"))
    return {row.control_id: row for row in rows}


def arrived_on(school: School, control: Control) -> date:
    """The day a control came to the school: the later of the school's creation and the
    control's (a built-in control added by an upgrade, or a control the school added)."""
    return local_date(max(school.created_at, control.created_at))


def first_due(arrived: date, calendar: TermCalendar) -> DueDate:
    """When a control never confirmed is first due: the last day of the term in which it
    came to the school, whatever its cadence (estimated when that term's dates are)."""
    term = calendar.term_for_date(arrived)
    return DueDate(on=term.ends_on, estimated=bool(term.estimated))


def attested_due(cadence: str, every_days: int | None, *, latest_on: date | None,
                 arrived: date, calendar: TermCalendar) -> DueDate:
    """When an attested control is next to be confirmed: from its latest confirmation by
    its cadence; never confirmed: ``first_due`` (the end of the term it came to the school
    in, so that it is overdue after that term until someone confirms it)."""
    if latest_on is None:
        return first_due(arrived, calendar)
    due = next_due(cadence, every_days, last_done=latest_on, starts_on=latest_on,
                   calendar=calendar)
    return due if due is not None else first_due(arrived, calendar)


def confirmation_due(cadence: str, every_days: int | None, latest: Attestation | None, *,
                     arrived: date, calendar: TermCalendar) -> DueDate:
    """When an attested control is next to be confirmed, as its page and its duty say: by
    its cadence from the latest confirmation (``attested_due``); when that confirmation
    found it not done, on that day (confirm it again once it is put right); never
    confirmed, on the last day of the term it came to the school in (``first_due``)."""
    if latest is not None and latest.outcome == Attestation.Outcome.NOT_DONE:
        return DueDate(on=latest.attested_on)
    return attested_due(cadence, every_days, latest_on=latest.attested_on if latest else None,
                        arrived=arrived, calendar=calendar)


def school_calendar(school: School, days: Iterable[date]) -> TermCalendar:
    """The school's term dates for the academic years around these days, in one query (the
    default pattern worked out, never saved: reading a page writes nothing)."""
    return known_terms([school], years_around(days))[school.pk]


# --- one control --------------------------------------------------------------------------


def _figure_reason(figure: Figure, access: SchoolAccess | None) -> Reason:
    spec = figure.spec
    url = _url(access, spec.permission, spec.url_name) if spec.url_name else ""
    return Reason(f"{spec.label}: {figure.met:,} of {figure.total:,}", url)


def _computed(control: Control, owner: selectors.Owner, figures: dict[str, Figure],
              duties: dict[str, KindCounts], access: SchoolAccess | None) -> ControlState:
    own = [figures[key] for key in (control.measures or []) if key in figures]
    kinds = [kind for kind in (control.duty_kinds or [])
             if duties_registry.module_of_kind(kind) != OWN_MODULE]
    overdue = sum(duties.get(kind, KindCounts()).overdue for kind in kinds)
    due_soon = sum(duties.get(kind, KindCounts()).due for kind in kinds)
    counted = [figure for figure in own if figure.present and figure.total > 0]
    if overdue:
        state = State.NOT_MET
    elif not counted:
        state = State.MET if control.when_empty == Control.WhenEmpty.MET else State.NOT_ASSESSED
    elif all(figure.met >= figure.total for figure in counted):
        state = State.MET
    else:
        state = State.PARTLY
    reasons = [_figure_reason(figure, access) for figure in counted
               if figure.met < figure.total]
    for kind in kinds:
        late = duties.get(kind, KindCounts()).overdue
        if late:
            reasons.append(Reason(f"{late:,} overdue: {duties_registry.kind_label(kind)}",
                                  _kind_url(access, kind)))
    if state == State.NOT_ASSESSED:
        for key in control.measures or []:
            figure = figures.get(key)
            if figure is None or not figure.present:
                words = figure.spec.empty if figure is not None else "Nothing to count yet"
            elif figure.total <= 0:
                words = figure.pending_note or figure.spec.pending_none
            else:
                continue
            label = figure.spec.label if figure is not None else key
            reasons.append(Reason(f"{label}: {words}"))
    return ControlState(control=control, state=state, owner_user_id=owner.user_id,
                        owner_role=owner.role, owner_label=owner.label, reasons=reasons,
                        figures=own, overdue=overdue, due_soon=due_soon)


def _attested(control: Control, owner: selectors.Owner, setting: object,
              latest: Attestation | None, *, now: datetime, arrived: date,
              calendar: TermCalendar, access: SchoolAccess | None,
              viewer_id: int | None) -> ControlState:
    cadence, every_days = selectors.effective_cadence(control, setting)  # type: ignore[arg-type]
    due = confirmation_due(cadence, every_days, latest, arrived=arrived, calendar=calendar)
    attest_url = ""
    if access is not None and selectors.may_confirm(
            access, owner_user_id=owner.user_id, owner_role=owner.role, viewer_id=viewer_id):
        attest_url = _url(access, "compliance.attest", "compliance:control-attest",
                          [control.public_id])
    reasons: list[Reason] = []
    if latest is None:
        state = State.NOT_ASSESSED
        reasons.append(Reason("Nobody has confirmed this yet", attest_url))
    elif latest.outcome == Attestation.Outcome.NOT_DONE:
        state = State.NOT_MET
        reasons.append(Reason(
            f"When it was last checked, on {latest.attested_on:%-d %B %Y}, it was not done",
            attest_url))
    elif status_for(due.on, now) == OVERDUE:
        state = State.NOT_MET
        reasons.append(Reason(
            f"Last confirmed on {latest.attested_on:%-d %B %Y}; it was due to be confirmed "
            f"again by {due.on:%-d %B %Y}", attest_url))
    else:
        state = State.MET
    return ControlState(control=control, state=state, owner_user_id=owner.user_id,
                        owner_role=owner.role, owner_label=owner.label, reasons=reasons,
                        last_attestation=latest, next_due=due,
                        cadence_label=selectors.cadence_label(cadence, every_days))


# --- the public functions -----------------------------------------------------------------


def control_states(school: School, *, now: datetime, access: SchoolAccess | None = None,
                   controls: list[Control] | None = None,
                   viewer_id: int | None = None) -> dict[int, ControlState]:
    """{control pk: ControlState} of every control of the school (built in and its own, not
    archived), in the controls' order; ``access`` (the viewer's roles) and ``viewer_id``
    (their user id) decide which reasons link. ``controls`` (from
    ``selectors.school_controls``) may be passed when already read (or only some of them)."""
    if controls is None:
        controls = selectors.school_controls(school)
    people = selectors.school_people(school)
    computed = [c for c in controls if c.kind == Control.Kind.COMPUTED]
    attested = [c for c in controls if c.kind == Control.Kind.ATTESTED]
    figures = _figures(school.pk, computed, now) if computed else {}
    duties = _duty_counts(people, computed, now) if computed else {}
    latest = latest_attestations(school.pk, [c.pk for c in attested])
    settings = {c.pk: selectors.setting_of(c) for c in controls}
    arrived = {c.pk: arrived_on(school, c) for c in attested}
    calendar: TermCalendar = TermCalendar(school)
    if attested:  # the terms of the days the due dates are counted from: one query
        days = [local_date(now), *arrived.values(), *(row.attested_on for row in latest.values())]
        calendar = school_calendar(school, days)
    states: dict[int, ControlState] = {}
    for control in controls:
        owner = selectors.owner_of(control, settings[control.pk], people)
        if control.kind == Control.Kind.COMPUTED:
            states[control.pk] = _computed(control, owner, figures, duties, access)
        else:
            states[control.pk] = _attested(control, owner, settings[control.pk],
                                           latest.get(control.pk), now=now,
                                           arrived=arrived[control.pk], calendar=calendar,
                                           access=access, viewer_id=viewer_id)
    return states


def requirement_state(controls: Sequence[ControlState]) -> str:
    """A requirement's state from its controls' (the rule in the module docstring)."""
    assessed = [each.state for each in controls if each.state != State.NOT_ASSESSED]
    if not assessed:
        return State.NOT_ASSESSED
    if len(assessed) == len(controls) and all(state == State.MET for state in assessed):
        return State.MET
    if all(state == State.NOT_MET for state in assessed):
        return State.NOT_MET
    return State.PARTLY


def framework_states_from(school: School, frameworks: list[Framework],
                          states: dict[int, ControlState]) -> list[FrameworkState]:
    """The frameworks' requirements with their states, from control states already worked
    out (``control_states``): two queries."""
    if not frameworks:
        return []
    found = requirements_for(school.pk, frameworks)
    result = []
    for framework in frameworks:
        rows = []
        for each in found.get(framework.pk, []):
            mapped = [states[control.pk] for control in each.requirement.controls.all()
                      if control.pk in states]
            rows.append(RequirementState(requirement=each.requirement,
                                         state=requirement_state(mapped), controls=mapped,
                                         edited=each.edited, added=each.added))
        result.append(FrameworkState(framework=framework, requirements=rows))
    return result


def _framework_states(school: School, frameworks: list[Framework], *, now: datetime,
                      access: SchoolAccess | None, viewer_id: int | None
                      ) -> list[FrameworkState]:
    if not frameworks:
        return []
    return framework_states_from(
        school, frameworks,
        control_states(school, now=now, access=access, viewer_id=viewer_id))


def framework_states(school: School, *, now: datetime, access: SchoolAccess | None = None,
                     viewer_id: int | None = None) -> list[FrameworkState]:
    """Every current framework's requirements with their states, in the frameworks' order
    (``access`` and ``viewer_id`` as ``control_states``)."""
    return _framework_states(school, current_frameworks(), now=now, access=access,
                             viewer_id=viewer_id)


def framework_state(school: School, code: str, *, now: datetime,
                    access: SchoolAccess | None = None,
                    viewer_id: int | None = None) -> FrameworkState | None:
    """The current version of the framework ``code`` for the school (None: no such one)."""
    framework = Framework.objects.filter(code=code, is_current=True).first()
    if framework is None:
        return None
    return _framework_states(school, [framework], now=now, access=access,
                             viewer_id=viewer_id)[0]
