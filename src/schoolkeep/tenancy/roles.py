"""The one table of who may do what. docs/roles.md is generated from it."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    SIRO = "siro", "Senior Information Risk Owner (SIRO)"
    DPO = "dpo", "Data protection officer"
    IAO = "iao", "Information asset owner"
    BUSINESS_MANAGER = "business_manager", "Business manager"
    IT_LEAD = "it_lead", "IT lead"
    DSL = "dsl", "Designated safeguarding lead"
    HR_ADMIN = "hr_admin", "HR administrator"
    DATA_ADMIN = "data_admin", "Data administrator"
    STAFF = "staff", "Staff"
    GOVERNOR = "governor", "Governor"
    AUDITOR = "auditor", "Auditor (read-only)"
    TRUST_ADMIN = "trust_admin", "Trust administrator"


# Roles a school membership can hold; the trust administrator is held at organisation level.
SCHOOL_ROLES = [role for role in Role if role is not Role.TRUST_ADMIN]

# Everyone but plain staff must use two-factor; a school may require it of staff too.
ROLES_WITHOUT_REQUIRED_MFA = frozenset({Role.STAFF})

# Roles that only read. A member holding only these gets 403 on every write.
READ_ONLY_ROLES = frozenset({Role.AUDITOR, Role.TRUST_ADMIN})

_ALL = frozenset(Role)
_LEADS = frozenset({Role.SIRO, Role.DPO})

PERMISSIONS: dict[str, tuple[str, frozenset[Role]]] = {
    "school.view": ("See the dashboard, key contacts and their own duties", _ALL),
    "members.view": (
        "See the list of members and their roles",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.HR_ADMIN, Role.IT_LEAD,
                   Role.AUDITOR, Role.TRUST_ADMIN}),
    ),
    "members.manage": ("Invite members, change their roles, deactivate them",
                       frozenset({Role.SIRO})),
    "lockouts.manage": ("See locked accounts and unlock them", frozenset({Role.SIRO})),
    "school.settings": ("Change the school's settings (idle timeout, two-factor for all,"
                        " how to report an incident)",
                        frozenset({Role.SIRO})),
    "terms.view": ("See the school's term dates", _ALL),
    "terms.manage": ("Enter the school's term dates",
                     frozenset({Role.SIRO, Role.BUSINESS_MANAGER})),
    "audit.view": ("Browse, filter and export the school's audit trail",
                   _LEADS | {Role.AUDITOR}),
    "people.view": (
        "See the people of the school with their details (not their checks)",
        frozenset({Role.SIRO, Role.HR_ADMIN, Role.DSL, Role.AUDITOR, Role.BUSINESS_MANAGER,
                   Role.TRUST_ADMIN}),
    ),
    "people.manage": ("Add and edit people and their checks, mark leavers, import people",
                      frozenset({Role.SIRO, Role.HR_ADMIN})),
    "scr.view": (
        "See the Single Central Record: every person's checks and who is incomplete",
        frozenset({Role.SIRO, Role.HR_ADMIN, Role.DSL, Role.AUDITOR, Role.TRUST_ADMIN}),
    ),
    "scr.rules.manage": ("Change which checks each kind of person needs",
                         frozenset({Role.SIRO, Role.HR_ADMIN})),
    "assets.view": ("See the information asset register and its Appendix 1", _ALL),
    "assets.manage": (
        "Add and change any information asset, import the register, set the register's details",
        frozenset({Role.SIRO, Role.DPO, Role.DATA_ADMIN}),
    ),
    "systems.view": (
        "See the register of systems and suppliers",
        frozenset({Role.SIRO, Role.DPO, Role.IT_LEAD, Role.DATA_ADMIN, Role.BUSINESS_MANAGER,
                   Role.AUDITOR, Role.TRUST_ADMIN}),
    ),
    "systems.manage": ("Add and change systems", frozenset({Role.SIRO, Role.DPO, Role.IT_LEAD})),
    "scr.sensitive.view": (
        "See the sensitive fields of the Single Central Record",
        frozenset({Role.SIRO, Role.HR_ADMIN, Role.DSL, Role.AUDITOR}),
    ),
    "aups.view": ("See the acceptable use policies that apply to them and their own signatures",
                  _ALL),
    "aups.sign": ("Sign the acceptable use policy that applies to them",
                  frozenset(SCHOOL_ROLES) - {Role.AUDITOR}),
    "aups.records": (
        "See every acceptable use policy, who has signed it and who has not, parents and"
        " signature copies",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER, Role.AUDITOR, Role.TRUST_ADMIN}),
    ),
    "aups.manage": (
        "Write and publish acceptable use policies, manage parents, send signing links,"
        " letters and reminders, record paper signatures",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER}),
    ),
    "aups.kiosk": (
        "Open the reception kiosk where visitors sign (it signs the member out) and set the"
        " kiosk PIN that closes it",
        frozenset(SCHOOL_ROLES) - {Role.GOVERNOR, Role.AUDITOR},
    ),
    "policies.view": ("See the register of the school's policies and read them", _ALL),
    "policies.manage": ("Add policies, upload or import versions, send them for review",
                        _LEADS),
    "policies.approve": ("Approve a policy as a governor, with name and signature",
                         frozenset({Role.GOVERNOR})),
    "incidents.report": ("Report an incident or a possible data breach, and follow their own"
                         " reports", frozenset(SCHOOL_ROLES)),
    "incidents.view": ("See every incident report, its handling and the breach log",
                       _LEADS | {Role.AUDITOR}),
    "incidents.handle": ("Triage and handle incident reports: risk, decisions, actions,"
                         " closing; the report-a-concern page", _LEADS),
    "incidents.risk.override": ("Override the result of an incident's risk assessment",
                                frozenset({Role.DPO})),
    "access.view": (
        "See the accounts on each system, who administers them, two-factor coverage and the"
        " access reviews",
        frozenset({Role.SIRO, Role.DPO, Role.IT_LEAD, Role.BUSINESS_MANAGER, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "access.manage": (
        "Add and change accounts on the school's systems, reconcile a system's user list,"
        " record why an administrator needs no DBS check",
        frozenset({Role.SIRO, Role.IT_LEAD}),
    ),
    "access.review": (
        "Review, once a term, who has access to the information assets they own",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR, Role.GOVERNOR},
    ),
    "passwords.attest": ("Say that they changed their own password on a system",
                         frozenset(SCHOOL_ROLES) - {Role.AUDITOR}),
    "passwords.view": (
        "See the password change cycles, their holders and whose change is overdue",
        frozenset({Role.SIRO, Role.DPO, Role.IT_LEAD, Role.BUSINESS_MANAGER, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "passwords.manage": (
        "Set up password change cycles, send reminders and personal links, mark a system as"
        " possibly compromised",
        frozenset({Role.SIRO, Role.IT_LEAD}),
    ),
    "leavers.view": (
        "See the checklists of leavers, starters and people changing post",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER, Role.HR_ADMIN, Role.IT_LEAD,
                   Role.AUDITOR, Role.TRUST_ADMIN}),
    ),
    "leavers.manage": (
        "Record the steps of leavers', starters' and movers' checklists (accounts disabled,"
        " assets handed over, replacements named)",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER, Role.HR_ADMIN, Role.IT_LEAD}),
    ),
    "transfers.send": (
        "Ask how to send data (the approved channel for what, to whom), ask the DPO, and log"
        " the transfers they make",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR},
    ),
    "transfers.view": (
        "See the transfer rules, every transfer logged and the questions to the DPO",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "transfers.manage": (
        "Set the school's transfer rules and channels' instructions, review transfers over"
        " channels not approved, answer questions sent to the DPO",
        _LEADS,
    ),
    "removals.request": (
        "Ask to take OFFICIAL-SENSITIVE material or a device holding it off site, and record"
        " its return; an asset's owner approves the requests for their assets",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR},
    ),
    "removals.view": (
        "See every request to take material off site, its approval and return",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "equipment.view": (
        "See the equipment inventory, loans and disposals with their certificates",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "equipment.manage": (
        "Add, change and import equipment, lend and take back equipment, record disposals"
        " and match their certificates of secure deletion",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER, Role.IT_LEAD}),
    ),
    "continuity.view": (
        "See what needs protecting, the backup sets and the 3-2-1 rule, backup checks,"
        " restore tests and the recovery plan",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "continuity.manage": (
        "Record what needs protecting and the backup sets, record backup checks and restore"
        " tests, keep the recovery plan, its contacts and its tests",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER, Role.IT_LEAD}),
    ),
    "training.view": (
        "See the courses, everyone's training records, who needs training and the training"
        " matrix",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.HR_ADMIN, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "training.manage": (
        "Add and change courses, record training (one by one, for a session or by import),"
        " confirm what members recorded themselves, and set the training rules",
        frozenset({Role.SIRO, Role.BUSINESS_MANAGER, Role.HR_ADMIN}),
    ),
    "training.own": (
        "See their own training and record a course they completed, with its certificate",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR},
    ),
    "housekeeping.view": (
        "See the digital housekeeping campaigns and who has confirmed",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "housekeeping.manage": (
        "Launch, remind and close the digital housekeeping campaign and edit its checklist",
        frozenset({Role.SIRO}),
    ),
    "housekeeping.confirm": (
        "Confirm that they have done their own digital housekeeping",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR},
    ),
    "compliance.view": (
        "See where the school stands against its policy, the DfE's cyber security standards"
        " and the RPA's conditions: every control and requirement with its state and trend,"
        " the governor packs and the generated policy document",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.GOVERNOR,
                   Role.AUDITOR, Role.TRUST_ADMIN}),
    ),
    "compliance.manage": (
        "Name each control's owner and cadence, add the school's own controls, edit the"
        " school's requirements, build the governor pack and send the generated policy"
        " document for approval",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER}),
    ),
    "compliance.attest": (
        "Confirm an attested control they own was done (holders of compliance.manage may"
        " confirm any), with a note and a photo or document",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR},
    ),
    "compliance.refresh": (
        "Work out a school's compliance again now for the trust's view, instead of waiting"
        " for the nightly snapshot",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.TRUST_ADMIN}),
    ),
    "compliance.receive": (
        "Record that the governing body received the governor pack (date, meeting, minute)",
        frozenset({Role.SIRO, Role.GOVERNOR}),
    ),
    "requests.log": (
        "Log a request they received (subject access and the other rights, freedom of"
        " information, the educational record, exam marks, a complaint about personal data)",
        frozenset(SCHOOL_ROLES),
    ),
    "requests.view": (
        "See every request with a legal clock, its record and its history (except those"
        " hidden from them), and export the request log",
        _LEADS | {Role.AUDITOR},
    ),
    "requests.handle": (
        "Handle requests: identity, searches, holds, extensions, the schedule of what was"
        " found, the response and its letter; set up the public request page",
        _LEADS,
    ),
    "requests.search": (
        "Record the search they were asked to make for a request (they see only the requests"
        " they are asked to help with)",
        frozenset(SCHOOL_ROLES) - {Role.AUDITOR},
    ),
    "requests.holidays": (
        "Add a one-off bank holiday proclaimed after Schoolkeep's calendar was published, for"
        " the school's legal clocks",
        frozenset({Role.DPO}),
    ),
    "dpias.view": (
        "See DPIAs (screening, assessment, the DPO's advice and the sign-off) and export them",
        _LEADS | {Role.IAO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.DSL, Role.AUDITOR},
    ),
    "dpias.manage": (
        "Screen an asset, a system or a project for a DPIA and write the assessment (risks,"
        " measures, the views of the people affected), and record the ICO's prior"
        " consultation",
        _LEADS | {Role.IAO, Role.BUSINESS_MANAGER, Role.IT_LEAD},
    ),
    "dpias.advise": ("Record the DPO's advice on a DPIA", frozenset({Role.DPO})),
    "dpias.signoff": ("Sign off a DPIA (after the DPO's advice is recorded)",
                      frozenset({Role.SIRO})),
    "processors.view": (
        "See the organisations that handle the school's data, their agreements, transfers"
        " and security evidence",
        _LEADS | {Role.IAO, Role.BUSINESS_MANAGER, Role.IT_LEAD, Role.AUDITOR},
    ),
    "processors.manage": (
        "Record an organisation that handles the school's data: its role, its agreement"
        " (the document, dates, Article 28 terms), where the data is held, its security"
        " evidence and the yearly review",
        _LEADS | {Role.BUSINESS_MANAGER, Role.IT_LEAD},
    ),
    "retention.view": (
        "See the retention schedule, what is due for destruction, the destruction log and"
        " what Schoolkeep would erase",
        _LEADS | {Role.IAO, Role.BUSINESS_MANAGER, Role.HR_ADMIN, Role.DATA_ADMIN,
                  Role.IT_LEAD, Role.AUDITOR},
    ),
    "retention.manage": (
        "Adjust the school's retention schedule (periods, actions, sources) and record a"
        " record type's yearly review",
        _LEADS | {Role.BUSINESS_MANAGER},
    ),
    "destructions.record": (
        "Record a destruction in the log (what, how, by whom, when, witnessed by whom)",
        _LEADS | {Role.IAO, Role.BUSINESS_MANAGER, Role.HR_ADMIN, Role.DATA_ADMIN,
                  Role.IT_LEAD},
    ),
    "erasure.hold": (
        "Stop Schoolkeep erasing a person's records (an allegation, litigation) and release"
        " the hold",
        frozenset({Role.DPO}),
    ),
    "overview.view": (
        "See the school's overview: area by area, how well it keeps its policy, in figures"
        " only (no names); across every such school they belong to",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.GOVERNOR, Role.AUDITOR,
                   Role.TRUST_ADMIN}),
    ),
    "overview.breaches": (
        "See on the overview how many possible breaches were decided within 72 hours"
        " (figures only, never the reports)",
        frozenset({Role.SIRO, Role.DPO, Role.BUSINESS_MANAGER, Role.GOVERNOR, Role.AUDITOR}),
    ),
    # Kept for the trust's rules pages; the trust's overview itself is ``overview.view``.
    "trust.overview": ("See the trust's shared rules for its schools",
                       frozenset({Role.TRUST_ADMIN})),
    "trust.rules.manage": (
        "Set trust-wide defaults that every school of the trust follows unless it has its own"
        " (which checks the Single Central Record requires, which channels carry which data);"
        " each change is written to the"
        " audit trail of every school of the trust",
        frozenset({Role.TRUST_ADMIN}),
    ),
}

WRITE_PERMISSIONS = frozenset({"members.manage", "lockouts.manage", "school.settings",
                               "terms.manage", "people.manage", "scr.rules.manage",
                               "assets.manage", "systems.manage", "aups.manage", "aups.sign",
                               "aups.kiosk", "policies.manage", "policies.approve",
                               "incidents.report", "incidents.handle",
                               "incidents.risk.override", "trust.rules.manage",
                               "access.manage", "access.review", "passwords.attest",
                               "passwords.manage", "leavers.manage", "transfers.send",
                               "transfers.manage", "removals.request", "equipment.manage",
                               "continuity.manage", "training.manage", "training.own",
                               "housekeeping.manage", "housekeeping.confirm",
                               "compliance.manage", "compliance.attest", "compliance.refresh",
                               "compliance.receive", "requests.log", "requests.handle",
                               "requests.search", "requests.holidays", "dpias.manage",
                               "dpias.advise", "dpias.signoff", "processors.manage",
                               "retention.manage", "destructions.record", "erasure.hold"})

# Writes made at the trust's level, not inside one school. A trust administrator holds these
# and stays read-only inside every school (READ_ONLY_ROLES): a permission here is checked
# against the trust (``access.can`` in one of its schools), never against a school's records.
TRUST_WRITE_PERMISSIONS = frozenset({"trust.rules.manage"})

# The only writes a read-only role may make: reporting an incident and logging a request
# received (every member of a school may), refreshing compliance, and the trust-level writes.
READ_ONLY_ROLE_WRITES = (frozenset({"incidents.report", "compliance.refresh", "requests.log"})
                         | TRUST_WRITE_PERMISSIONS)


def roles_allow(roles: set[str] | frozenset[str], permission: str) -> bool:
    """True when any of the roles grants the permission."""
    try:
        _, allowed = PERMISSIONS[permission]
    except KeyError:
        raise KeyError(f"Unknown permission {permission!r}") from None
    return any(role in allowed for role in roles)


def requires_mfa(roles: set[str] | frozenset[str], *, school_requires_all: bool) -> bool:
    if school_requires_all:
        return bool(roles)
    return any(role not in ROLES_WITHOUT_REQUIRED_MFA for role in roles)


def role_label(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def roles_markdown() -> str:
    """docs/roles.md, generated from the table above."""
    roles = list(Role)
    lines = [
        "# Roles and permissions",
        "",
        "Generated from `src/schoolkeep/tenancy/roles.py` by `schoolkeep roles-doc`;"
        " a test fails when this file is stale.",
        "",
        "Two-factor sign-in is required for every role except plain Staff"
        " (a school may require it of everyone).",
        "Auditors and trust administrators only read inside a school: any change they try to"
        " a school's records is refused, except that every member of a school, auditors and"
        " governors included, may report an incident and log a request they received.",
        "A trust administrator reads every school of their trust but never sees the sensitive"
        " fields of the Single Central Record unless they also hold a school membership.",
        "A trust administrator writes in exactly two ways. They set the trust's own defaults"
        " (`trust.rules.manage`, such as which checks the trust's schools require), which every"
        " school of the trust follows unless it has its own; each such change is written to the"
        " audit trail of every school of the trust. And while a school of their trust has no"
        " active SIRO (a new school), they may invite its members, such as its first SIRO.",
        "",
        "| Permission | " + " | ".join(role.label for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for code, (description, allowed) in PERMISSIONS.items():
        cells = ["yes" if role in allowed else "" for role in roles]
        lines.append(f"| {description} (`{code}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
