"""The built-in rule sets, written from Keeping Children Safe in Education (Part 3).

Schools edit their own copy; these seed the default rows (migration 0002) and are what a
school without its own or its trust's rules follows.
"""

from __future__ import annotations

from schoolkeep.people.models import CheckType as C
from schoolkeep.people.models import PersonKind as K

ALWAYS = "always"
TEACHING = "teaching_work"
MANAGEMENT = "management_post"
QUALIFICATIONS = "qualifications"
ABROAD = "lived_abroad"
CHILDCARE = "childcare"

# Checks every employee (teaching or support post) needs, in any kind of school.
_EMPLOYEE = [
    (C.IDENTITY, ALWAYS),
    (C.RIGHT_TO_WORK, ALWAYS),
    (C.ENHANCED_DBS, ALWAYS),
    (C.BARRED_LIST, ALWAYS),
    (C.PROHIBITION, TEACHING),
    (C.QUALIFICATIONS, QUALIFICATIONS),
    (C.OVERSEAS, ABROAD),
    (C.CHILDCARE, CHILDCARE),
]
_AGENCY = [
    (C.IDENTITY, ALWAYS),
    (C.AGENCY_CONFIRMATION, ALWAYS),
    (C.PROHIBITION, TEACHING),
    (C.CHILDCARE, CHILDCARE),
]
_VOLUNTEER = [(C.IDENTITY, ALWAYS), (C.ENHANCED_DBS, ALWAYS), (C.OVERSEAS, ABROAD)]
_CONTRACTOR = [(C.IDENTITY, ALWAYS)]
_GOVERNANCE = [
    (C.IDENTITY, ALWAYS),
    (C.ENHANCED_DBS, ALWAYS),
    (C.SECTION_128, ALWAYS),
    (C.OVERSEAS, ABROAD),
]


def _rules(by_kind: dict[K, list[tuple[C, str]]]) -> list[tuple[str, str, str]]:
    return [(str(check), str(kind), condition) for kind, rules in by_kind.items()
            for check, condition in rules]


# (check type, person kind, condition)
MAINTAINED: list[tuple[str, str, str]] = _rules({
    K.TEACHING: _EMPLOYEE,
    K.SUPPORT: _EMPLOYEE,
    K.AGENCY: _AGENCY,
    K.CONTRACTOR: _CONTRACTOR,
    K.VOLUNTEER: _VOLUNTEER,
    K.GOVERNOR: _GOVERNANCE,
    K.TRUSTEE: _GOVERNANCE,
    K.MEMBER: _GOVERNANCE,
})

# Academies and independent schools: section 128 also for management posts.
ACADEMY: list[tuple[str, str, str]] = _rules({
    K.TEACHING: [*_EMPLOYEE, (C.SECTION_128, MANAGEMENT)],
    K.SUPPORT: [*_EMPLOYEE, (C.SECTION_128, MANAGEMENT)],
    K.AGENCY: _AGENCY,
    K.CONTRACTOR: _CONTRACTOR,
    K.VOLUNTEER: _VOLUNTEER,
    K.GOVERNOR: _GOVERNANCE,
    K.TRUSTEE: _GOVERNANCE,
    K.MEMBER: _GOVERNANCE,
})

DEFAULT_SETS = {"maintained": MAINTAINED, "academy": ACADEMY}
