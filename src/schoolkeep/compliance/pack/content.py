"""What a governor pack says: the figures of one school for one term, gathered once and
then written as PDF (``pack.pdf``) and Word (``pack.docx``), and kept on the pack
(``GovernorPack.figures``) as it was built.

The pack goes to the governing body, so it holds figures, never records: counts, the titles
of requirements, controls and policies, and the names of the people who hold a role (the SIRO,
the DPO, the owner of a control). It never holds an incident's title, description or any other
narrative, nor the name of a person on a register.

Sections, each from the module that keeps the records:

- compliance per framework, with its trend over the year (``state.engine``, ``state.snapshots``);
- the requirements not met or partly met, the controls behind them and their owners;
- the breach log's figures for the term (reports by kind, the ICO decisions, the hours from
  awareness to the ICO decision, the reports whose 72 hours passed with no decision), the open
  incidents assessed as a high risk and the overdue actions (``incidents``, counted by
  aggregate queries). The term's window runs from the day after the previous term ended to
  this term's last day (``Term.since``), so a report made in the holiday before a term is in
  that term's pack, as the calendar counts a holiday day in the term that follows;
- the requests with a legal clock of the term (``inforequests``): received by kind, answered
  by their deadline or late (the rule of the measure ``requests.answered-in-time``), those
  given an extension or paused for the requester, withdrawn; and now, the requests open and
  those past their deadline. Counts only: never a reference, a name or what was asked. The
  term's window is the breach log's (received from ``Term.since`` to the term's last day);
- the policy register's reviews overdue and due by the end of the term (``agreements.policies``);
- the Single Central Record's completeness, acceptable use coverage per audience, training
  coverage, backups and restore tests (the overview's measures, ``overview.registry``).

The queries do not grow with the records: one per measure provider, a few aggregates, and the
engine's own constant count.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Exists, F, OuterRef, Q

from schoolkeep.compliance.models import State
from schoolkeep.compliance.state.selectors import People, owner_of, setting_of
from schoolkeep.compliance.state.types import ControlState
from schoolkeep.duties.types import LONDON, local_date
from schoolkeep.overview import registry
from schoolkeep.overview.types import Figure, MeasureSpec
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role, role_label

# The shape of ``GovernorPack.figures`` (2: term.since, ico_undecided; 3: requests).
FIGURES_VERSION = 3

# The overview's measures the pack shows, by section, in order.
MEASURE_SECTIONS: list[tuple[str, str, list[str]]] = [
    ("record", "Single Central Record", ["people.record-complete", "people.agency-confirmed"]),
    ("aups", "Acceptable use policies signed",
     ["aups.signed-staff", "aups.signed-governors", "aups.signed-parents"]),
    ("training", "Cyber security training",
     ["training.staff-trained", "training.governor-trained"]),
    ("backups", "Backups and restore tests",
     ["backups.recent", "backup_checks.recent", "backup_scopes.meeting-321",
      "restore_tests.this-term", "recovery_plan.tested"]),
]
# A member with neither a name nor a role (the pack never prints an e-mail address).
NO_NAME = "A member of staff (no name given)"
# Worst first among the requirements listed as needing work.
GAP_ORDER = {State.NOT_MET: 0, State.PARTLY: 1}


@dataclass(frozen=True)
class Term:
    """The term a pack covers ("Autumn 2026"); ``estimated`` when its dates are the default
    pattern, not the school's own. ``since`` is the first day of its breach window: the day
    after the previous term of the school's calendar ended (the holiday before the term
    belongs to it), never after ``starts_on`` (``services.term_of``)."""

    label: str
    starts_on: date
    ends_on: date
    since: date
    estimated: bool = False


@dataclass  # not frozen: ``charts.ScorePoint`` declares plain attributes
class TrendPoint:
    """A day's score, as ``state.charts.trend_svg`` reads a snapshot."""

    taken_on: date
    score_permille: int

    @property
    def percent(self) -> int:
        return self.score_permille // 10


@dataclass(frozen=True)
class FrameworkFigures:
    code: str
    title: str
    short_title: str
    version: str
    met: int
    partly: int
    not_met: int
    not_assessed: int
    score_permille: int
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.met + self.partly + self.not_met + self.not_assessed

    @property
    def percent(self) -> int:
        return self.score_permille // 10

    @property
    def monthly(self) -> list[TrendPoint]:
        """The latest score of each month of the trend (the table beside the chart)."""
        latest: dict[tuple[int, int], TrendPoint] = {}
        for point in self.trend:
            latest[(point.taken_on.year, point.taken_on.month)] = point
        return [latest[key] for key in sorted(latest)]


@dataclass(frozen=True)
class ControlGap:
    """A control behind a requirement that is not met, and who owns it."""

    title: str
    state_label: str
    owner: str


@dataclass(frozen=True)
class RequirementGap:
    framework: str  # the framework's short title
    code: str
    title: str
    state: str
    state_label: str
    controls: list[ControlGap] = field(default_factory=list)


@dataclass(frozen=True)
class MeasureLine:
    label: str
    met: int
    total: int
    present: bool
    empty: str  # what is said when there is nothing to count

    @property
    def percent(self) -> int:
        return self.met * 100 // self.total if self.total > 0 else 0

    @property
    def words(self) -> str:
        """"31 of 34 (91%)", or the measure's own words when there is nothing to count."""
        if not self.present or self.total <= 0:
            return self.empty
        return f"{self.met:,} of {self.total:,} ({self.percent}%)"


@dataclass(frozen=True)
class MeasureSection:
    key: str
    title: str
    lines: list[MeasureLine]


@dataclass(frozen=True)
class BreachFigures:
    """The breach log of the term: reports the school became aware of from the day after the
    previous term ended to the term's last day (``Term.since`` to ``Term.ends_on``)."""

    breaches: int = 0
    near_misses: int = 0
    security: int = 0
    untriaged: int = 0
    ico_reported: int = 0  # the report was sent to the ICO
    ico_to_send: int = 0  # decided to report, not yet sent
    ico_not_reporting: int = 0  # decided not to report
    ico_late: int = 0  # the decision or report came after the 72 hours
    # No ICO decision at all and the 72 hours have passed (a report that may hold personal
    # data: a breach, or one not yet triaged), as ``incidents.settled-in-time`` counts it.
    ico_undecided: int = 0
    decided: int = 0  # reports with an ICO decision (the hours below)
    hours_average: float | None = None  # from awareness to the ICO decision
    hours_longest: float | None = None

    @property
    def total(self) -> int:
        return self.breaches + self.near_misses + self.security + self.untriaged


@dataclass(frozen=True)
class KindCount:
    label: str
    count: int


@dataclass(frozen=True)
class RequestFigures:
    """Requests with a legal clock received in the term (``Term.since`` to ``Term.ends_on``),
    and those open now."""

    received: int = 0
    by_kind: list[KindCount] = field(default_factory=list)  # the kinds received, most first
    in_time: int = 0  # answered by the deadline (a complaint: acknowledged within 30 days)
    late: int = 0  # answered after the deadline
    extended: int = 0  # given more time (an extension)
    paused: int = 0  # waited for the requester (identity, a fee, a clarification...)
    withdrawn: int = 0
    open_now: int = 0  # every open request of the school, whenever received
    overdue_now: int = 0  # of those, past the deadline and not waiting for the requester


@dataclass(frozen=True)
class PolicyReview:
    title: str
    next_review_on: date
    overdue: bool


@dataclass(frozen=True)
class PolicyFigures:
    overdue: list[PolicyReview] = field(default_factory=list)
    due: list[PolicyReview] = field(default_factory=list)  # by the end of the term
    awaiting_approval: int = 0  # versions waiting for a governor's approval
    policies: int = 0  # current policies in the register


@dataclass(frozen=True)
class RoleHolder:
    role: str
    names: list[str]


@dataclass(frozen=True)
class PackContent:
    school_name: str
    term: Term
    made_on: date
    role_holders: list[RoleHolder]
    frameworks: list[FrameworkFigures]
    gaps: list[RequirementGap]
    breaches: BreachFigures
    open_high_risk: int
    overdue_actions: int
    policies: PolicyFigures
    measures: list[MeasureSection]
    requests: RequestFigures = field(default_factory=RequestFigures)

    def as_json(self) -> dict[str, Any]:
        """The figures as JSON values (dates as ISO text), for ``GovernorPack.figures``."""
        data = json.loads(json.dumps(asdict(self), cls=DjangoJSONEncoder))
        data["figures_version"] = FIGURES_VERSION
        for entry, framework in zip(data["frameworks"], self.frameworks, strict=True):
            entry["percent"] = framework.percent  # rounded down, as the pages show it
        return data  # type: ignore[no-any-return]

    def section(self, key: str) -> MeasureSection | None:
        return next((each for each in self.measures if each.key == key), None)


# ------------------------------------------------------------------------------ gathering


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _pack_people(school: School) -> People:
    """The school's active members and their roles, as ``state.selectors.school_people``
    reads them, but named as the pack names people: by their full name, else by the title of
    the first role they hold, never by their e-mail address (one query)."""
    from schoolkeep.tenancy.models import Membership

    rows = (Membership.objects.filter(school=school, is_active=True, user__is_active=True)
            .order_by("user__full_name", "user_id")
            .values_list("user_id", "user__full_name", "roles__role"))
    names: dict[int, str] = {}
    held: dict[int, list[str]] = {}
    holders: dict[str, list[int]] = {}
    for user_id, full_name, role in rows:
        names.setdefault(user_id, (full_name or "").strip())
        if role:
            held.setdefault(user_id, []).append(role)
            if user_id not in holders.setdefault(role, []):
                holders[role].append(user_id)
    order = {role.value: number for number, role in enumerate(Role)}
    for user_id, name in names.items():
        if not name:
            roles = sorted(held.get(user_id, []), key=lambda role: order.get(role, len(order)))
            names[user_id] = role_label(roles[0]) if roles else NO_NAME
    return People(school.pk, names, {role: tuple(ids) for role, ids in holders.items()})


def _owner(state: ControlState, people: People) -> str:
    """Who owns a control, by the engine's owner rule (``state.selectors.owner_of``), named
    as the pack names people ("IT lead" rather than "IT lead (IT lead)" for a holder of the
    role with no name given)."""
    label = owner_of(state.control, setting_of(state.control), people).label
    repeated = re.fullmatch(r"(.+) \((.+)\)", label)
    return repeated[1] if repeated is not None and repeated[1] == repeated[2] else label


def _frameworks(school: School, now: datetime) -> tuple[list[FrameworkFigures],
                                                         list[RequirementGap]]:
    from schoolkeep.compliance.state import engine, snapshots

    today = local_date(now)
    people = _pack_people(school)
    figures: list[FrameworkFigures] = []
    gaps: list[RequirementGap] = []
    for state in engine.framework_states(school, now=now):
        framework = state.framework
        trend = [TrendPoint(point.taken_on, point.score_permille)
                 for point in snapshots.trend(school, framework.code, today=today, days=365)]
        figures.append(FrameworkFigures(
            code=framework.code, title=framework.title, short_title=framework.short_title,
            version=framework.version, met=state.met, partly=state.partly,
            not_met=state.not_met, not_assessed=state.not_assessed,
            score_permille=state.score_permille, trend=trend))
        for requirement in state.requirements:
            if requirement.state not in GAP_ORDER:
                continue
            controls = [ControlGap(title=each.control.title, state_label=each.state_label,
                                   owner=_owner(each, people))
                        for each in requirement.controls if each.state != State.MET]
            row = requirement.requirement
            gaps.append(RequirementGap(
                framework=framework.short_title, code=row.code, title=row.title,
                state=requirement.state, state_label=requirement.state_label,
                controls=controls))
    order = {figure.short_title: number for number, figure in enumerate(figures)}
    gaps.sort(key=lambda gap: (GAP_ORDER[State(gap.state)], order[gap.framework]))
    return figures, gaps


def _breaches(school: School, term: Term, now: datetime) -> BreachFigures:
    from schoolkeep.incidents.clock import ICO_HOURS
    from schoolkeep.incidents.models import NO_PERSONAL_DATA_KINDS, Decision, Incident, Kind

    # London midnight to London midnight: from the day after the previous term ended (the
    # holiday before the term is in its pack) to the end of the term's last day.
    starts, ends = _start_of(term.since), _start_of(term.ends_on + timedelta(days=1))
    clock = timedelta(hours=ICO_HOURS)
    # The 72 hours ran out with no ICO decision: a report whose clock runs (not a security
    # incident or near miss without personal data; one not triaged runs), none decided.
    undecided = (~Q(kind__in=sorted(NO_PERSONAL_DATA_KINDS)) & Q(aware_at__lt=now - clock)
                 & Q(has_ico=False))
    kinds = (Incident.objects.filter(school=school, aware_at__gte=starts, aware_at__lt=ends)
             .alias(has_ico=Exists(Decision.objects.filter(incident_id=OuterRef("pk"),
                                                           kind=Decision.Kind.ICO)))
             .order_by()
             .aggregate(breaches=Count("pk", filter=Q(kind=Kind.BREACH)),
                        near_misses=Count("pk", filter=Q(kind=Kind.NEAR_MISS)),
                        security=Count("pk", filter=Q(kind=Kind.SECURITY)),
                        untriaged=Count("pk", filter=Q(kind="")),
                        ico_undecided=Count("pk", filter=undecided)))
    # The ICO decisions of those reports: (aware, decided, tell, told) for each, those
    # columns only (never a reason), in one query.
    rows = list(Decision.objects.filter(kind=Decision.Kind.ICO, incident__school=school,
                                        incident__aware_at__gte=starts,
                                        incident__aware_at__lt=ends)
                .order_by().values_list("incident__aware_at", "decided_at", "tell", "told_at"))
    hours = [round((decided - aware).total_seconds() / 3600, 1) for aware, decided, _, _ in rows]

    def late(aware: datetime, decided: datetime, tell: bool, told: datetime | None) -> bool:
        # Not reporting: decided after the 72 hours; reporting: sent after them, or not
        # sent and they have passed.
        if not tell:
            return decided > aware + clock
        return (told or now) > aware + clock

    return BreachFigures(
        **kinds,
        ico_reported=sum(1 for _, _, tell, told in rows if tell and told is not None),
        ico_to_send=sum(1 for _, _, tell, told in rows if tell and told is None),
        ico_not_reporting=sum(1 for _, _, tell, _ in rows if not tell),
        ico_late=sum(1 for row in rows if late(*row)), decided=len(rows),
        hours_average=round(sum(hours) / len(hours), 1) if hours else None,
        hours_longest=max(hours) if hours else None)


def _incident_counts(school: School, today: date) -> tuple[int, int]:
    """(open incidents assessed as a high risk, overdue actions), in one query each."""
    from schoolkeep.incidents.models import Action, Incident, RiskResult, Status

    # High risk: the DPO's override, else likelihood times severity of 6 or 9 (clock.risk_result).
    high = (Q(risk_override=RiskResult.HIGH)
            | Q(risk_override="", likelihood__isnull=False, severity__isnull=False,
                product__gte=6))
    open_high = (Incident.objects.filter(school=school).exclude(status=Status.CLOSED)
                 .alias(product=F("likelihood") * F("severity")).filter(high).count())
    overdue = Action.objects.filter(school=school, state=Action.State.OPEN,
                                    due_on__lt=today).count()
    return open_high, overdue


def _requests(school: School, term: Term, today: date) -> RequestFigures:
    """Two queries: the figures of the term and of now in one aggregate, and the term's
    requests per kind. Counts only."""
    from schoolkeep.inforequests.duties.measures import answered, in_time_conditions
    from schoolkeep.inforequests.duties.provider import RESPONDING
    from schoolkeep.inforequests.models import Extension, Hold, Kind, Request, Status

    rows = Request.objects.filter(school=school)
    of_term = Q(received_on__gte=term.since, received_on__lte=term.ends_on)
    kept = of_term & ~Q(status=Status.WITHDRAWN)
    _counted, met = in_time_conditions(today)
    done = answered()
    is_open = Q(status=Status.OPEN)
    extended = Q(pk__in=Extension.objects.filter(request__school=school).values("request_id"))
    paused = Q(pk__in=Hold.objects.filter(request__school=school).values("request_id"))
    figures = (rows.order_by()
               .aggregate(received=Count("pk", filter=of_term),
                          in_time=Count("pk", filter=kept & done & met),
                          late=Count("pk", filter=kept & done & ~met),
                          extended=Count("pk", filter=of_term & extended),
                          paused=Count("pk", filter=of_term & paused),
                          withdrawn=Count("pk", filter=of_term & Q(status=Status.WITHDRAWN)),
                          open_now=Count("pk", filter=is_open),
                          overdue_now=Count("pk", filter=is_open & RESPONDING
                                            & Q(due_on__lt=today))))
    labels = dict(Kind.choices)
    kinds = (rows.filter(of_term).order_by().values("kind").annotate(n=Count("pk"))
             .values_list("kind", "n"))
    by_kind = sorted((KindCount(labels.get(kind, kind), n) for kind, n in kinds),
                     key=lambda each: (-each.count, each.label))
    return RequestFigures(by_kind=by_kind, **figures)


def _policies(school: School, term: Term, today: date) -> PolicyFigures:
    from schoolkeep.agreements.policies.models import Policy, PolicyVersion

    current = Policy.objects.filter(school=school, archived_at__isnull=True)
    horizon = max(term.ends_on, today)
    rows = list(current.filter(next_review_on__isnull=False, next_review_on__lte=horizon)
                .order_by("next_review_on", "title").values_list("title", "next_review_on"))
    reviews = [PolicyReview(title, day, day < today) for title, day in rows if day is not None]
    counts = current.aggregate(
        policies=Count("pk", distinct=True),
        waiting=Count("versions", filter=Q(versions__status=PolicyVersion.Status.IN_REVIEW),
                      distinct=True))
    return PolicyFigures(overdue=[each for each in reviews if each.overdue],
                         due=[each for each in reviews if not each.overdue],
                         awaiting_approval=counts["waiting"], policies=counts["policies"])


def _measures(school: School, now: datetime) -> list[MeasureSection]:
    wanted = {key for _, _, keys in MEASURE_SECTIONS for key in keys}
    specs: dict[str, MeasureSpec] = {}
    counted: dict[str, tuple[int, ...]] = {}
    for provider in registry.providers():
        mine = [spec for spec in provider.specs if spec.key in wanted]
        if not mine:
            continue
        specs.update({spec.key: spec for spec in mine})
        found = provider.figures([school.pk], now=now).get(school.pk, {})
        counted.update({key: tuple(value) for key, value in found.items() if key in wanted})
    sections = []
    for key, title, keys in MEASURE_SECTIONS:
        lines = []
        for measure in keys:
            spec = specs.get(measure)
            if spec is None:  # a module not installed: nothing to say
                continue
            value = counted.get(measure)
            figure = Figure(spec, value[0], value[1], present=True) if value else \
                Figure(spec, 0, 0, present=False)
            lines.append(MeasureLine(label=spec.label, met=figure.met, total=figure.total,
                                     present=figure.present and figure.total > 0,
                                     empty=spec.empty))
        sections.append(MeasureSection(key, title, lines))
    return sections


def _role_holders(school: School) -> list[RoleHolder]:
    from schoolkeep.tenancy.selectors import active_role_holders

    roles = [Role.SIRO.value, Role.DPO.value]
    held = active_role_holders(school=school, roles=roles)
    # Named by their full name, else by the role's title: never by an e-mail address.
    return [RoleHolder(Role(role).label, [(user.full_name or "").strip() or Role(role).label
                                          for user in held[role]])
            for role in roles]


def gather(school: School, term: Term, *, now: datetime) -> PackContent:
    """Every figure of the pack for ``school`` and ``term``, as things stand at ``now``."""
    today = local_date(now)
    frameworks, gaps = _frameworks(school, now)
    open_high, overdue = _incident_counts(school, today)
    return PackContent(
        school_name=school.name, term=term, made_on=today,
        role_holders=_role_holders(school), frameworks=frameworks, gaps=gaps,
        breaches=_breaches(school, term, now), open_high_risk=open_high,
        overdue_actions=overdue, policies=_policies(school, term, today),
        measures=_measures(school, now), requests=_requests(school, term, today))
