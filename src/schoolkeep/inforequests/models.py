"""Requests that carry a legal clock: subject access and the other rights of UK GDPR,
freedom of information (and environmental information), exam marks before results, a
parent's request to see the educational record, and complaints about how the school
handles personal data.

Every field that names or describes a person is encrypted at rest and is recorded in the
audit trail only as "changed"; the trail's labels show only the reference. The deadline
(``due_on``) is worked out by ``clocks/`` from the request's kind, its holds and its
extensions, the bank holidays and the school's days, and stored so that lists and duties
can sort and count by it in SQL; every service that changes one of those inputs works it
out again.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from schoolkeep.lib.fields import EncryptedTextField


class Kind(models.TextChoices):
    SUBJECT_ACCESS = "subject_access", "Subject access request"
    RECTIFICATION = "rectification", "Right to have data corrected (rectification)"
    ERASURE = "erasure", "Right to have data deleted (erasure)"
    RESTRICTION = "restriction", "Right to restrict processing"
    OBJECTION = "objection", "Right to object to processing"
    PORTABILITY = "portability", "Right to data portability"
    FOI = "foi", "Freedom of information request"
    EIR = "eir", "Environmental information request"
    EXAM_MARKS = "exam_marks", "Exam marks before the results are published"
    EDUCATIONAL_RECORD = "educational_record", "Parent's request to see the educational record"
    COMPLAINT = "complaint", "Complaint about how the school handles personal data"


# The rights of UK GDPR Articles 15 to 21: one month, extendable by two.
RIGHTS_KINDS = frozenset({Kind.SUBJECT_ACCESS, Kind.RECTIFICATION, Kind.ERASURE,
                          Kind.RESTRICTION, Kind.OBJECTION, Kind.PORTABILITY})
# Kinds about one person (a data subject); FOI and EIR are about information, not people.
PERSONAL_KINDS = RIGHTS_KINDS | {Kind.EXAM_MARKS, Kind.EDUCATIONAL_RECORD, Kind.COMPLAINT}
PUBLIC_INFORMATION_KINDS = frozenset({Kind.FOI, Kind.EIR})


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Telephone"
    SOCIAL_MEDIA = "social_media", "Social media"
    PUBLIC_PAGE = "public_page", "The school's request page"
    API = "api", "Through the API"
    OTHER = "other", "Another way"


class RequesterType(models.TextChoices):
    SUBJECT = "subject", "The person the request is about"
    PARENT = "parent", "A parent or carer"
    STAFF = "staff", "A member of staff"
    FORMER_PUPIL = "former_pupil", "A former pupil"
    THIRD_PARTY = "third_party", "A solicitor or other third party acting with authority"
    PUBLIC = "public", "A member of the public or an organisation"


class SubjectType(models.TextChoices):
    PUPIL = "pupils", "A pupil"
    FORMER_PUPIL = "former_pupils", "A former pupil"
    PARENT = "parents", "A parent or carer"
    STAFF = "staff", "A member of staff"
    FORMER_STAFF = "former_staff", "A former member of staff"
    GOVERNOR = "governors", "A governor"
    VOLUNTEER = "volunteers", "A volunteer"
    OTHER = "others", "Someone else"


class WhoseRight(models.TextChoices):
    """For a request about a pupil: the right is the child's; a parent may act for a child
    who is not competent, or with a competent child's consent."""

    CHILD = "child", "The child's own request"
    PARENT_FOR_CHILD = "parent_for_child", "A parent acting for the child"
    PARENT_OWN = "parent_own", "The parent's own right (the educational record)"


class IdentityMethod(models.TextChoices):
    """The type of document or check seen; never a copy of it."""

    KNOWN = "known", "Known to the school in person"
    PASSPORT = "passport", "Passport"
    DRIVING_LICENCE = "driving_licence", "Driving licence"
    BIRTH_CERTIFICATE = "birth_certificate", "Birth certificate"
    UTILITY_BILL = "utility_bill", "Utility bill or bank statement"
    SCHOOL_RECORDS = "school_records", "Matched against the school's records"
    OTHER = "other", "Another document"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Outcome(models.TextChoices):
    FULL = "full", "Answered in full"
    PARTIAL = "partial", "Answered in part"
    NOTHING_HELD = "nothing_held", "Nothing held"
    FEE_CHARGED = "fee_charged", "Answered after a fee was paid"
    REFUSED_UNFOUNDED = "refused_unfounded", "Refused: manifestly unfounded"
    REFUSED_EXCESSIVE = "refused_excessive", "Refused: manifestly excessive"
    REFUSED_EXEMPT = "refused_exempt", "Refused: an exemption applies"
    REFUSED_COST = "refused_cost", "Refused: over the cost limit"
    REFUSED_VEXATIOUS = "refused_vexatious", "Refused: vexatious or repeated"
    UPHELD = "upheld", "Complaint upheld"
    PARTLY_UPHELD = "partly_upheld", "Complaint partly upheld"
    NOT_UPHELD = "not_upheld", "Complaint not upheld"


REFUSALS = frozenset({Outcome.REFUSED_UNFOUNDED, Outcome.REFUSED_EXCESSIVE,
                      Outcome.REFUSED_EXEMPT, Outcome.REFUSED_COST,
                      Outcome.REFUSED_VEXATIOUS})


class Request(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT,
                               related_name="info_requests")
    # "RQ-2026-0001": sequential per school and Europe/London calendar year of receipt.
    reference = models.CharField(max_length=20)
    reference_year = models.PositiveSmallIntegerField()
    reference_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="logged_requests")
    # The public page's receipt: the keyed hash of the random code given to the requester.
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Who asked, and the evidence of their authority when they act for someone else.
    requester_type = models.CharField(max_length=20, choices=RequesterType.choices)
    requester_name = EncryptedTextField()
    requester_contact = EncryptedTextField(blank=True, default="")
    authority_evidence = EncryptedTextField(blank=True, default="",
                                            verbose_name="Evidence of authority")
    # About whom (the rights, exam marks, the educational record, complaints).
    subject_type = models.CharField(max_length=20, choices=SubjectType.choices, blank=True)
    subject_name = EncryptedTextField(blank=True, default="")
    # What they asked for.
    description = EncryptedTextField()
    # When it arrived: the day in UK time (the clock counts from it) and the instant.
    received_on = models.DateField()
    received_at = models.DateTimeField()
    # Children: whose right it is, the child's competence and consent.
    whose_right = models.CharField(max_length=20, choices=WhoseRight.choices, blank=True)
    child_competent = models.BooleanField(null=True, blank=True)
    child_consented = models.BooleanField(null=True, blank=True)
    child_note = EncryptedTextField(blank=True, default="")
    # Identity: the type of document seen, who checked and when; never a copy.
    identity_method = models.CharField(max_length=20, choices=IdentityMethod.choices,
                                       blank=True)
    identity_checked_on = models.DateField(null=True, blank=True)
    identity_checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    # Exam marks: the day the results are announced, when known.
    results_announced_on = models.DateField(null=True, blank=True)
    # Complaints: acknowledged within 30 days, then tracked to an outcome.
    acknowledged_on = models.DateField(null=True, blank=True)
    # The clock (clocks/ works these out; never typed in): the day it started (after any
    # restart), the deadline with every extension and pause, whether it rests on estimated
    # term dates, and the last day to tell the requester of an extension.
    clock_starts_on = models.DateField()
    due_on = models.DateField()
    due_estimated = models.BooleanField(default=False)
    extension_tell_by = models.DateField(null=True, blank=True)
    # The first day of the current wait for the requester (identity, authority, a fee, a
    # clarification, a fees notice): the clock does not run to a deadline while it waits.
    waiting_since = models.DateField(null=True, blank=True)
    # Reminders to the DPO at 50 %, 75 % and 90 % of the time, each sent once.
    reminded_50_at = models.DateTimeField(null=True, blank=True)
    reminded_75_at = models.DateTimeField(null=True, blank=True)
    reminded_90_at = models.DateTimeField(null=True, blank=True)
    # The response.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    responded_on = models.DateField(null=True, blank=True)
    response_channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reason = EncryptedTextField(blank=True, default="")
    late_reason = EncryptedTextField(blank=True, default="")
    # Erasure and rectification: the recipients told (Article 19).
    recipients_told = EncryptedTextField(blank=True, default="")
    recipients_told_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    # Members who must not see it (a request about the SIRO hides it from the SIRO).
    hidden_from = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                         related_name="+")
    # The last number given to an item of the schedule: a removed item's number is never
    # given again, so the history and a letter already sent keep pointing at one item.
    last_item_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["school", "reference"],
                                    name="request_unique_reference"),
            models.UniqueConstraint(fields=["school", "reference_year", "reference_number"],
                                    name="request_unique_number_per_year"),
        ]
        indexes = [
            models.Index(fields=["school", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["status", "waiting_since"]),
            models.Index(fields=["school", "received_at"]),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferenceCounter(models.Model):
    """The last request number given per school and calendar year (row-locked)."""

    school = models.ForeignKey("tenancy.School", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "year"],
                                               name="request_counter_unique_year")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year}: {self.last}"


class Hold(models.Model):
    """Something asked of the requester. For the rights, proof of identity, evidence of
    authority or a fee restarts the month when it arrives; a clarification excludes the days
    from asking to the answer, both included. Under FOI a clarification restarts the clock
    and a fees notice pauses it. ``answered_on`` is empty while the school waits."""

    class Reason(models.TextChoices):
        IDENTITY = "identity", "Proof of identity"
        AUTHORITY = "authority", "Evidence of authority to act for the person"
        FEE = "fee", "A fee"
        CLARIFICATION = "clarification", "Clarification of the request"
        FEES_NOTICE = "fees_notice", "A fees notice (freedom of information)"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    asked_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    note = EncryptedTextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["asked_on", "id"]
        constraints = [models.CheckConstraint(
            condition=models.Q(answered_on__isnull=True)
            | models.Q(answered_on__gte=models.F("asked_on")),
            name="request_hold_answered_after_asked")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} asked on {self.asked_on}"


class Extension(models.Model):
    """More time: for the rights, up to two further months in all (complex or numerous
    requests), told to the requester within the first month; for FOI, the public interest
    test; for EIR, 20 more working days when complex and voluminous. ``amount`` is months
    for the rights and working days for FOI and EIR."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="extensions")
    decided_on = models.DateField()
    amount = models.PositiveSmallIntegerField()
    reason = EncryptedTextField()
    told_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return f"Extension of {self.amount} decided on {self.decided_on}"


class SearchTask(models.Model):
    """A place to search: an asset or system of the registers (or a place typed in), with
    the member asked to search it. An open task is its assignee's duty."""

    class State(models.TextChoices):
        OPEN = "open", "To search"
        FOUND = "found", "Searched: information found"
        NOTHING = "nothing", "Searched: nothing found"
        NOT_NEEDED = "not_needed", "Not needed"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="searches")
    asset = models.ForeignKey("assets.Asset", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    system = models.ForeignKey("systems.System", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    place = models.CharField(max_length=200)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="request_searches")
    due_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    searched_on = models.DateField(null=True, blank=True)
    searched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place", "id"]
        indexes = [models.Index(fields=["assignee", "state"])]

    def __str__(self) -> str:
        return self.place


class Exemption(models.TextChoices):
    NONE = "", "No exemption"
    THIRD_PARTY = "third_party", "Third-party personal data"
    SERIOUS_HARM = "serious_harm", "Serious harm to physical or mental health"
    SAFEGUARDING = "safeguarding", "Child abuse data (safeguarding)"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"
    REFERENCES = "references", "Confidential references"
    CRIME = "crime", "Crime and taxation"
    MANAGEMENT = "management", "Management forecasts"
    NEGOTIATIONS = "negotiations", "Negotiations with the requester"
    EXAM_SCRIPTS = "exam_scripts", "Exam scripts"
    EXAM_MARKS = "exam_marks", "Exam marks before publication"
    SELF_INCRIMINATION = "self_incrimination", "Self-incrimination"
    FOI_S21 = "foi_s21", "FOI section 21: reasonably accessible by other means"
    FOI_S22 = "foi_s22", "FOI section 22: intended for future publication"
    FOI_S31 = "foi_s31", "FOI section 31: law enforcement"
    FOI_S36 = "foi_s36", "FOI section 36: conduct of public affairs"
    FOI_S38 = "foi_s38", "FOI section 38: health and safety"
    FOI_S40 = "foi_s40", "FOI section 40: personal information"
    FOI_S41 = "foi_s41", "FOI section 41: information provided in confidence"
    FOI_S42 = "foi_s42", "FOI section 42: legal professional privilege"
    FOI_S43 = "foi_s43", "FOI section 43: commercial interests"
    FOI_S44 = "foi_s44", "FOI section 44: disclosure prohibited by law"
    # Environmental information is exempt from FOI (section 39): the EIR's own exceptions.
    EIR_12_4_B = "eir_12_4_b", "EIR regulation 12(4)(b): manifestly unreasonable"
    EIR_12_4_C = "eir_12_4_c", "EIR regulation 12(4)(c): too general (after advice)"
    EIR_12_4_D = "eir_12_4_d", "EIR regulation 12(4)(d): unfinished documents"
    EIR_12_4_E = "eir_12_4_e", "EIR regulation 12(4)(e): internal communications"
    EIR_12_5_B = "eir_12_5_b", "EIR regulation 12(5)(b): the course of justice"
    EIR_12_5_E = "eir_12_5_e", "EIR regulation 12(5)(e): commercial confidentiality"
    EIR_12_5_F = "eir_12_5_f", "EIR regulation 12(5)(f): information given voluntarily"
    EIR_13 = "eir_13", "EIR regulation 13: personal data"
    OTHER = "other", "Another exemption"


class ScheduleItem(models.Model):
    """One item of the schedule of what was found: where it came from, whether it was
    disclosed or withheld and under which exemption, and what was redacted. Schoolkeep
    stores no disclosed document, only this schedule."""

    class Decision(models.TextChoices):
        DISCLOSED = "disclosed", "Disclosed"
        REDACTED = "redacted", "Disclosed with redactions"
        WITHHELD = "withheld", "Withheld"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    search = models.ForeignKey(SearchTask, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="items")
    source = models.CharField(max_length=200)
    description = EncryptedTextField()
    decision = models.CharField(max_length=12, choices=Decision.choices)
    exemption = models.CharField(max_length=30, choices=Exemption.choices, blank=True)
    redactions = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"],
                                               name="request_item_unique_number")]

    def __str__(self) -> str:
        return f"Item {self.number}"


class ExtraBankHoliday(models.Model):
    """A one-off bank holiday proclaimed after the holidays library was released (such as
    a state funeral), added by the DPO for the school's clocks."""

    class Nations(models.TextChoices):
        ENGLAND = "england", "England (and so the whole UK count too)"
        ELSEWHERE = "elsewhere", "Another UK nation only (freedom of information days)"

    school = models.ForeignKey("tenancy.School", on_delete=models.CASCADE,
                               related_name="extra_bank_holidays")
    day = models.DateField()
    name = models.CharField(max_length=100)
    nations = models.CharField(max_length=10, choices=Nations.choices,
                               default=Nations.ENGLAND)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["school", "day"],
                                               name="extra_bank_holiday_unique_day")]

    def __str__(self) -> str:
        return f"{self.name} ({self.day})"


class RequestPage(models.Model):
    """A school's no-login request page, at a random address that can be replaced (the old
    one then stops working, printed posters included)."""

    school = models.OneToOneField("tenancy.School", on_delete=models.PROTECT,
                                  related_name="request_page")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Request page of {self.school}"
