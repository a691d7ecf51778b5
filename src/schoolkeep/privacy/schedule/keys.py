"""The keys of the starting schedule's record types (``RecordType.key``).

The school's records, which the register's assets hold, and Schoolkeep's own records, which
``privacy.erasure`` erases when their period ends. A school's or a trust's adjustment of a
shipped row keeps its key, so code finds the period in force by key
(``privacy.schedule.selectors.effective_record_type``).
"""

from __future__ import annotations

# The school's records.
PUPIL_RECORD = "pupil_record"
SEN_RECORD = "sen_record"
CHILD_PROTECTION = "child_protection"
ADMISSIONS = "admissions"
ATTENDANCE_REGISTER = "attendance_register"
STAFF_PERSONNEL = "staff_personnel"
SINGLE_CENTRAL_RECORD = "single_central_record"
RECRUITMENT_UNSUCCESSFUL = "recruitment_unsuccessful"
ACCIDENT_REPORTS = "accident_reports"  # adults: staff, visitors, contractors
ACCIDENT_REPORTS_PUPILS = "accident_reports_pupils"
CCTV = "cctv"
FINANCE = "finance"
GOVERNING_BODY = "governing_body"

# Schoolkeep's own records.
OWN_LEAVERS = "schoolkeep_leavers"  # a person of the school after their leaving date
OWN_PARENTS = "schoolkeep_parents"  # a parent once none of their children is at the school
OWN_SIGNING_LINKS = "schoolkeep_signing_links"  # a signing link after it expired or was used
OWN_KIOSK = "schoolkeep_kiosk"  # a visitor's entry at the reception kiosk
OWN_INCIDENTS = "schoolkeep_incidents"  # a closed incident's names and narrative
OWN_REQUESTS = "schoolkeep_requests"  # an answered request's names and narrative

SCHOOL_KEYS = (PUPIL_RECORD, SEN_RECORD, CHILD_PROTECTION, ADMISSIONS, ATTENDANCE_REGISTER,
               STAFF_PERSONNEL, SINGLE_CENTRAL_RECORD, RECRUITMENT_UNSUCCESSFUL,
               ACCIDENT_REPORTS, ACCIDENT_REPORTS_PUPILS, CCTV, FINANCE, GOVERNING_BODY)
OWN_KEYS = (OWN_LEAVERS, OWN_PARENTS, OWN_SIGNING_LINKS, OWN_KIOSK, OWN_INCIDENTS,
            OWN_REQUESTS)
