"""The school's Online Security Policy as Schoolkeep makes it: the template (``text.py``)
filled from what the school holds, read in a constant number of queries whatever its size.

- The school's name and sites; the SIRO and DPO by name (their role holders).
- The policy register's entry for the Online Security Policy (if any): when it was last
  approved, by which governor, and its next review.
- The approved systems (the systems register) and, for each kind of data and recipient, the
  approved channels the school's transfer rules name (``transfers.rules``).
- The practices in the school's own words: where the school edited a clause of its
  ``school-policy`` framework its words stand in for the policy's, a withdrawn clause is left
  out, and a clause it added goes at the end of its section.
- Appendix 1 from the live information asset register, in the policy's own layout
  (``assets.selectors.appendix_rows``, written by ``assets.exports``).

``policy_document(school, today=...)`` returns the whole document; the page reads it
without the appendix's rows (``with_appendix=False``: only their number).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.policies.selectors import review_calendar, review_state
from schoolkeep.assets.exports import long_date
from schoolkeep.assets.models import Asset
from schoolkeep.assets.selectors import AppendixGroup, appendix_rows
from schoolkeep.compliance.models import Framework, Requirement
from schoolkeep.compliance.policydoc import text
from schoolkeep.compliance.state.requirements import requirements_for, withdrawn_for
from schoolkeep.lib.text import fold, listed, tidy
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders
from schoolkeep.transfers.models import DataKind
from schoolkeep.transfers.rules.selectors import school_rows

FRAMEWORK_CODE = "school-policy"
SYSTEM_HEADINGS = ["System", "What it is for", "Supplier", "2-factor sign-in"]
CHANNEL_HEADINGS = ["Kind of data", "Sent to", "Approved channels"]


@dataclass(frozen=True)
class Line:
    """A paragraph or bullet as the document prints it."""

    text: str
    key: str = ""  # the template's clause ("" for a clause the school added)
    own_words: bool = False  # the school's words (edited or added), not the policy's


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[list[str]]
    empty: str  # said instead of an empty table


@dataclass(frozen=True)
class Part:
    kind: str  # "paragraph", "bullets" or "table"
    lines: list[Line] = field(default_factory=list)
    table: Table | None = None


@dataclass(frozen=True)
class DocumentSection:
    heading: str
    parts: list[Part]


@dataclass(frozen=True)
class RegisterEntry:
    """What the policy register says of the school's Online Security Policy."""

    policy: Policy | None
    approved_on: date | None = None
    approved_by: str = ""
    signed_in_schoolkeep: bool = False
    next_review: str = ""
    waiting: bool = False  # a version waits for a governor's approval


@dataclass
class PolicyDocument:
    school: School
    made_on: date
    sites: list[str]
    siro: list[str]
    dpo: list[str]
    register: RegisterEntry
    header: list[tuple[str, str]]
    sections: list[DocumentSection]
    systems: list[System]
    channel_rows: int
    edited: int
    added: int
    withdrawn: int
    asset_count: int
    appendix: list[AppendixGroup] = field(default_factory=list)

    @property
    def title(self) -> str:
        return text.TITLE


# ---------------------------------------------------------------------------- the school's words


def _norm(words: str) -> str:
    return fold(words)


ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class Change:
    """The school's change of a published requirement, named by its code."""

    code: str
    published: str  # the published words the clause states (the bullet, after a lead-in)
    words: str  # the school's words for them, whole ("" when withdrawn)
    section: str
    lead: str = ""  # the school's own lead-in, when it changed a "<lead-in> … <bullet>" one

    @property
    def changes_clause(self) -> bool:
        """Whether the clause's own words change (a changed lead-in alone does not)."""
        return not self.words or _norm(self.words) != _norm(self.published)


@dataclass
class OwnWords:
    """The school's changes to its ``school-policy`` framework (edits and withdrawals) and
    the clauses it added."""

    changes: list[Change] = field(default_factory=list)
    added: list[Requirement] = field(default_factory=list)
    edited_count: int = 0
    withdrawn_count: int = 0


def quoted(words: str) -> str:
    """The part of a PUBLISHED requirement's quote that is its own: a quote that joins the
    policy's lead-in to one of its bullets with "…" ("ALL of the following … Governors")
    stands for the bullet. Never applied to the school's words."""
    return tidy(words.split(ELLIPSIS)[-1])


def _split(published: str, mine: str) -> tuple[str, str, str]:
    """(the published words the clause states, the school's words for them, the school's
    lead-in when it changed the published one, else ""). The school's words are used whole:
    only a published lead-in followed by "…" is taken off them; a changed lead-in is split
    from the bullet at its first "…"."""
    published, mine = tidy(published), tidy(mine)
    if ELLIPSIS not in published:
        return published, mine, ""
    lead, bullet = (tidy(part) for part in published.split(ELLIPSIS, 1))
    if not mine:
        return bullet, "", ""
    if mine.casefold().startswith(lead.casefold()) and \
            mine[len(lead):].lstrip().startswith(ELLIPSIS):
        return bullet, tidy(mine[len(lead):].lstrip()[1:]), ""
    if ELLIPSIS in mine:
        new_lead, new_bullet = (tidy(part) for part in mine.split(ELLIPSIS, 1))
        return bullet, new_bullet, new_lead if _norm(new_lead) != _norm(lead) else ""
    return bullet, mine, ""


def _change(code: str, published: str, mine: str, section: str) -> Change:
    words_published, words, lead = _split(published, mine)
    return Change(code, words_published, words, section, lead)


def own_words(school: School) -> OwnWords:
    """Three queries at most: the framework, the school's requirements and their controls
    (``requirements_for``), and the published ones it withdrew."""
    framework = Framework.objects.filter(code=FRAMEWORK_CODE, is_current=True).first()
    found = OwnWords()
    if framework is None:
        return found
    for each in requirements_for(school.pk, [framework]).get(framework.pk, []):
        if each.added:
            found.added.append(each.requirement)
        elif each.edited and each.published is not None:
            mine = each.requirement
            found.changes.append(_change(each.published.code, each.published.text,
                                         mine.text or mine.title, each.published.section))
            found.edited_count += 1
    for published in withdrawn_for(school.pk, framework):
        found.changes.append(_change(published.code, published.text, "", published.section))
        found.withdrawn_count += 1
    return found


def _template_text(clause: text.Clause, fields: dict[str, str]) -> str:
    if clause.when and not fields.get(clause.when):
        return clause.otherwise
    return clause.text.format(**fields)


def clause_lines(clause: text.Clause, fields: dict[str, str],
                 changes: dict[str, Change]) -> list[Line]:
    """The clause as printed, from the school's changes of the published requirements it
    states (by code). Unchanged: the template's words with their fields. A clause with no
    live field: the school's words (the changed sentence replaced in the policy's, when the
    clause states several), or nothing when all it states was withdrawn. A clause with a
    live field keeps its live line, and the school's words follow it, marked as theirs."""
    mine = [changes[code] for code in clause.codes
            if code in changes and changes[code].changes_clause]
    template = _template_text(clause, fields)
    if not mine:
        return [Line(template, clause.key)] if template else []
    if all(not change.words for change in mine) and len(mine) == len(clause.codes):
        return []  # everything it states was withdrawn
    if clause.live:
        return ([Line(template, clause.key)] if template else []) + [
            Line(change.words, clause.key, own_words=True) for change in mine if change.words]
    if len(clause.codes) == 1:
        return [Line(mine[0].words, clause.key, own_words=True)]
    words = tidy(clause.seed)
    for change in mine:
        position = words.casefold().find(change.published.casefold())
        if position < 0:  # the template states it (held by a test); never guessed
            raise ValueError(f"{clause.key} does not state {change.code}")
        words = words[:position] + change.words + words[position + len(change.published):]
    return [Line(tidy(words), clause.key, own_words=True)]


# ---------------------------------------------------------------------------- live parts


def _names(users: list[object]) -> list[str]:
    """The holders by name, never by e-mail address (the policy is published): a holder
    with no name given is left out, and when none has one the clause names the role by its
    title ("The school has not yet named its Senior Information Risk Owner (SIRO).")."""
    return [name for user in users if (name := tidy(getattr(user, "full_name", "") or ""))]


def _register_entry(school: School, today: date) -> RegisterEntry:
    """The school's Online Security Policy in the policy register (three queries at most:
    the entry, whether a version waits, and its terms when its next review is a term)."""
    policy = policy_entry(school)
    if policy is None:
        return RegisterEntry(policy=None)
    calendar = review_calendar(school, [policy])
    waiting = PolicyVersion.objects.filter(policy=policy,
                                           status=PolicyVersion.Status.IN_REVIEW).exists()
    state = review_state(policy, calendar=calendar, today=today, has_version_in_review=waiting)
    next_review = ""
    if state.on is not None:
        next_review = long_date(state.on)
        if state.term:
            next_review = f"{state.term} ({next_review})"
    current = policy.current_version
    return RegisterEntry(
        policy=policy, approved_on=policy.approved_on, approved_by=policy.approved_by_name,
        signed_in_schoolkeep=current is not None and current.approved_by_id is not None,
        next_review=next_review, waiting=waiting)


def policy_entry(school: School) -> Policy | None:
    """The school's Online Security Policy in its register: the current entry of that kind
    (the oldest, if it has several). One query."""
    return (Policy.objects.filter(school=school, archived_at__isnull=True,
                                  kind=Policy.Kind.ONLINE_SECURITY)
            .select_related("current_version").order_by("created_at", "pk").first())


def _sending_header(school: School, entry: RegisterEntry, sent_on: date
                    ) -> list[tuple[str, str]]:
    """The header of the version sent for approval: reviewed the day it is sent, its
    approving governor still to come, and its next review from the register's cycle from
    that day (the register's default cycle when it has no entry yet)."""
    months = entry.policy.review_cycle_months if entry.policy is not None else \
        Policy._meta.get_field("review_cycle_months").get_default()
    return [("Name of School", school.name),
            ("Policy Review Date", f"{long_date(sent_on)} (sent to the governors for approval "
                                   "in the school's policy register)"),
            ("Next Review Date", long_date(sent_on + relativedelta(months=months))),
            ("Reviewed by", "Governor Name: to be approved (the approval is recorded in the "
                            "school's policy register)"),
            ("This version made on", f"{long_date(sent_on)}, by Schoolkeep from the school's "
                                     "registers")]


def _header(school: School, entry: RegisterEntry, made_on: date) -> list[tuple[str, str]]:
    reviewed = long_date(entry.approved_on) if entry.approved_on else \
        "Not yet approved in the school's policy register"
    by = f"Governor Name: {entry.approved_by}" if entry.approved_by else "No governor yet"
    if entry.signed_in_schoolkeep:
        by += " (signed in Schoolkeep's policy register)"
    return [("Name of School", school.name),
            ("Policy Review Date", reviewed),
            ("Next Review Date", entry.next_review or "Not set in the policy register"),
            ("Reviewed by", by),
            ("This version made on", f"{long_date(made_on)}, by Schoolkeep from the school's "
                                     "registers")]


def _systems(school: School) -> list[System]:
    return list(System.objects.filter(school=school, archived_at__isnull=True)
                .only("pk", "name", "name_key", "kind", "supplier", "mfa_enabled",
                      "mfa_required", "remote_access_method")
                .order_by("name_key", "pk"))


def _two_factor(system: System) -> str:
    if system.mfa_enabled:
        return "On"
    if system.mfa_required:
        return "Required, not yet on"
    return "Not required"


def _systems_table(systems: list[System]) -> Table:
    return Table(SYSTEM_HEADINGS, [[system.name, str(system.get_kind_display()),
                                    system.supplier, _two_factor(system)]
                                   for system in systems],
                 "The systems register lists no systems yet.")


def _channels_table(school: School) -> Table:
    """Each kind of data and recipient with at least one approved channel the school has
    in its register (three queries)."""
    kinds = {value: str(label) for value, label in DataKind.choices}
    rows = []
    for row in school_rows(school):
        usable = [choice.name for choice in row.channels if choice.in_register]
        if usable and not row.asks_dpo:
            rows.append([kinds.get(row.data_kind, row.data_kind), row.recipient_label,
                         ", ".join(usable)])
    return Table(CHANNEL_HEADINGS, rows,
                 "No transfer channel is approved yet: staff ask the Data Protection Officer "
                 "before sending any data.")


def _fields(school: School, sites: list[str], siro: list[str], dpo: list[str],
            systems: list[System]) -> dict[str, str]:
    remote = [f"{s.name}, {s.remote_access_method}" if s.remote_access_method else s.name
              for s in systems if s.kind == System.Kind.REMOTE_ACCESS]
    return {
        "school": school.name,
        "sites": f" ({', '.join(sites)})" if sites else "",
        "siro": listed(siro), "dpo": listed(dpo),
        "remote": "; ".join(remote),
        "two_factor": listed(s.name for s in systems if s.mfa_enabled),
        "backup": listed(s.name for s in systems if s.kind == System.Kind.BACKUP),
    }


# ---------------------------------------------------------------------------- the document


def _section_key(heading: str) -> str:
    return fold(heading).rstrip(":")


def _sections(fields: dict[str, str], words: OwnWords, tables: dict[str, Table],
              ) -> list[DocumentSection]:
    by_code = {change.code: change for change in words.changes}
    stated = {code for section in text.SECTIONS for block in section.blocks
              for clause in block.clauses for code in clause.codes}
    # A changed lead-in ("<lead-in> … <bullet>") is a change of its paragraph.
    leads = list(dict.fromkeys(change.lead for change in words.changes if change.lead))
    sections: list[DocumentSection] = []
    for section in text.SECTIONS:
        parts: list[Part] = []
        for block in section.blocks:
            if block.kind == "table":
                parts.append(Part("table", table=tables[block.table]))
                continue
            lines: list[Line] = []
            for clause in block.clauses:
                if clause.key == text.LEAD_IN and leads:
                    lines += [Line(lead, clause.key, own_words=True) for lead in leads]
                else:
                    lines += clause_lines(clause, fields, by_code)
            if lines:
                parts.append(Part(block.kind, lines))
        sections.append(DocumentSection(section.heading, parts))
    # Edits of clauses the template does not quote, and the clauses the school added, go at
    # the end of the section they name (else in a section of their own).
    extra: dict[str, list[Line]] = defaultdict(list)
    by_section = {_section_key(s.heading): s.heading for s in text.SECTIONS}
    for change in words.changes:
        if change.code not in stated and change.code not in text.HEADER_INSTEAD \
                and change.words:
            heading = by_section.get(_section_key(change.section), text.OWN_SECTION)
            extra[heading].append(Line(change.words, own_words=True))
    for requirement in words.added:
        heading = by_section.get(_section_key(requirement.section), text.OWN_SECTION)
        extra[heading].append(Line(requirement.text or requirement.title, own_words=True))
    for written in sections:
        if extra.get(written.heading):
            written.parts.append(Part("bullets", extra.pop(written.heading)))
    if extra.get(text.OWN_SECTION):
        sections.append(DocumentSection(text.OWN_SECTION,
                                        [Part("bullets", extra[text.OWN_SECTION])]))
    return sections


def policy_document(school: School, *, today: date, with_appendix: bool = True,
                    sending: bool = False) -> PolicyDocument:
    """The school's policy as it stands ``today`` (``sending``: as the version sent today
    for a governor's approval, with that version's header, not the last approval's). A
    constant number of queries whatever the number of systems, rules, clauses and assets
    (the appendix: two, its assets and their access labels)."""
    sites = list(school.sites.order_by("name").values_list("name", flat=True))
    holders = active_role_holders(school=school, roles=[Role.SIRO, Role.DPO])
    siro, dpo = _names(holders[Role.SIRO]), _names(holders[Role.DPO])
    entry = _register_entry(school, today)
    systems = _systems(school)
    channels = _channels_table(school)
    words = own_words(school)
    fields = _fields(school, sites, siro, dpo, systems)
    sections = _sections(fields, words, {text.SYSTEMS: _systems_table(systems),
                                         text.CHANNELS: channels})
    appendix = appendix_rows(school) if with_appendix else []
    count = (sum(len(group.rows) for group in appendix) if with_appendix else
             Asset.objects.filter(school=school, archived_at__isnull=True).count())
    return PolicyDocument(
        school=school, made_on=today, sites=sites, siro=siro, dpo=dpo, register=entry,
        header=(_sending_header(school, entry, today) if sending else
                _header(school, entry, today)), sections=sections, systems=systems,
        channel_rows=len(channels.rows), edited=words.edited_count, added=len(words.added),
        withdrawn=words.withdrawn_count, asset_count=count, appendix=appendix)
