"""The school's Online Security Policy as our template: the seed policy (the one Schoolkeep
implements, quoted with permission as the requirements it states) restructured into sections
of paragraphs and bullets, with the parts that Schoolkeep holds live written as fields.

Each clause keeps ``seed``: the policy's own words it stands for, and ``codes``: the published
``school-policy`` requirements it states, named by code (never found by searching the text).
A school that edited or withdrew one of them (``compliance.state.requirements``) has its own
words used instead (``document.clause_lines``): a clause with no live field is printed in the
school's words; a clause with a live field (the SIRO, the remote access and two-factor systems,
the backup system) keeps its live line and has the school's words after it, marked as theirs.
Published codes no clause states (``LIVE_INSTEAD``) are stood in for by live tables or the
policy register: a school's words for one of them go at the end of its section.

Fields, filled by ``document.py``:
``{school}`` the school's name; ``{sites}`` its sites after "all sites" (" (A, B)" or "");
``{siro}``/``{dpo}`` the role holders by name; ``{remote}`` the remote access systems;
``{two_factor}`` the systems with two-factor sign-in on; ``{backup}`` the backup systems.
Clauses with ``when`` are used only when that field has a value, else ``otherwise`` is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TITLE = "Online Security Policy"
POLICY_REGISTER_TITLE = "Online Security Policy"  # the policy register's entry, if none yet
SOURCE = ("The Online Security Policy of the school, as adopted by its governing body; "
          "made by Schoolkeep from the school's registers.")

# Live tables, placed where a section names them.
SYSTEMS = "systems"
CHANNELS = "channels"


@dataclass(frozen=True)
class Clause:
    key: str  # stable, for tests and the page
    text: str  # the words, with fields
    seed: str = ""  # the policy's own words this clause stands for ("" when it has none)
    when: str = ""  # a field that must have a value for ``text`` to be used
    otherwise: str = ""  # the words used when ``when`` has none ("": the clause is left out)
    codes: tuple[str, ...] = ()  # the published requirements it states (their seed sentences)

    @property
    def live(self) -> bool:
        """Whether its words hold a live field (other than the school's name)."""
        return bool(self.when)


@dataclass(frozen=True)
class Block:
    """A paragraph (one clause), a bulleted list (its clauses), or a live table."""

    kind: str  # "paragraph", "bullets" or "table"
    clauses: tuple[Clause, ...] = ()
    table: str = ""  # SYSTEMS or CHANNELS


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def para(key: str, text: str, seed: str = "", *codes: str) -> Block:
    return Block("paragraph", (Clause(key, text, seed, codes=tuple(codes)),))


def bullets(*clauses: Clause) -> Block:
    return Block("bullets", tuple(clauses))


P = "school-policy."


def same(key: str, words: str, *codes: str) -> Clause:
    """A clause in the policy's own words, with no field, stating the published ``codes``
    (short: without "school-policy.")."""
    return Clause(key, words, words, codes=tuple(P + code for code in codes))


EQUALITY = (
    "The school aims to design and implement services, policies and procedures that meet the "
    "diverse needs of our service, population and workforce, ensuring that no-one is placed "
    "at an unreasonable or unfair advantage over others.")

SECTIONS: tuple[Section, ...] = (
    Section("Equality Impact Assessment", (
        para("equality", EQUALITY, EQUALITY),
        para("scope",
             "Where the school is referred to in this policy, the policy and the following "
             "procedures apply to all staff working for {school} on all sites{sites}.",
             "Where the school is referred to in this policy, the policy and the following "
             "procedures apply to all staff working for Corbets Tey School on all sites "
             "including staff at the Routes4Life provision."),
    )),
    Section("Strategic and operational practices", (
        para("at-this-school", "At this school:"),
        bullets(
            Clause("siro", "{siro} is the Senior Information Risk Owner (SIRO).",
                   "The Headteacher is the Senior Information Risk Owner (SIRO).",
                   when="siro", codes=(P + "siro-named",),
                   otherwise="The school has not yet named its Senior Information Risk "
                             "Owner (SIRO)."),
            Clause("dpo", "{dpo} is the Data Protection Officer (DPO).", when="dpo",
                   otherwise="The school has not yet named its Data Protection Officer "
                             "(DPO)."),
            same("asset-owners",
                 "Staff are clear who are the key contact(s) for key school information (the "
                 "Information Asset Owners) are. Key data and information asset owners are "
                 "shown in Appendix 1.", "asset-owners-known"),
            same("report-incidents",
                 "We ensure staff know who to report any incidents where data protection may "
                 "have been compromised.", "incidents-reported"),
            same("dbs",
                 "All staff and governors are DBS checked and records are held in one central "
                 "record in SIMS and on our Single Central Record.", "dbs-central-record"),
        ),
        para("aup",
             "ALL of the following school stakeholders sign an Acceptable Use Policy (AUP) form "
             "that clearly outlines the responsibilities of the staff and visitors with regard "
             "to data security, passwords and network access.",
             "ALL of the following school stakeholders sign an Acceptable Use Policy (AUP) form "
             "that clearly outlines the responsibilities of the staff and visitors with regard "
             "to data security, passwords and network access."),  # the AUP bullets' lead-in
        bullets(
            same("aup-staff", "Staff (including agency workers)", "aup-staff"),
            same("aup-governors", "Governors", "aup-governors"),
            same("aup-parents", "Parents", "aup-parents"),
            same("aup-visitors", "Visitors using the school network/Wifi", "aup-visitors"),
        ),
        para("aup-copies",
             "Copies of AUPs are stored electronically in a secure folder on the school "
             "network.",
             "Copies of AUPs are stored electronically in a secure folder on the school "
             "network.", P + "aup-copies-stored"),
        bullets(
            same("la-guidelines",
                 "We follow LA guidelines for the transfer of any data, such as MIS data or "
                 "reports of children, to professionals working in the Local Authority or their "
                 "partners in Children's Services / Family Services, Health, Welfare and Social "
                 "Services.", "transfers-la-guidelines"),
            same("unique-accounts",
                 "All staff have their own unique username and private passwords to access "
                 "school systems. Staff are responsible for keeping their password private.",
                 "own-accounts"),
            same("password-changes",
                 "We require admin staff to change their passwords in SIMS (School Information "
                 "Management System) and FMS (Financial Management System) termly. Admin "
                 "nominated contacts are required to change their Unified Sign On (USO) "
                 "password every 90 days.", "passwords-sims-fms-termly", "passwords-uso-90-days"),
            same("encrypt-removed",
                 "We require that any Protect and Restricted material must be encrypted if the "
                 "material is to be removed from the school and limit such data removal.",
                 "removals-encrypted"),
            Clause("remote-access",
                   "We have an approved remote access solution ({remote}) so teaching staff can "
                   "access sensitive and other data stored on the school network from home, "
                   "without need to transport data on mobile storage devices or laptops out of "
                   "the school.",
                   "We have an approved remote access solution (RAV3) so teaching staff can "
                   "access sensitive and other data stored on the school network from home, "
                   "without need to transport data on mobile storage devices or laptops out of "
                   "the school.",
                   when="remote", codes=(P + "remote-access-approved",),
                   otherwise="The systems register lists no approved remote access solution."),
            same("administrators",
                 "School staff with systems administrator access, work within approved systems "
                 "and follow the security processes required by those systems.",
                 "administrators-follow-processes"),
            same("housekeeping",
                 "We ask staff to undertake annual digital housekeeping to review, remove and "
                 "destroy any digital materials and documents which need no longer be stored.",
                 "digital-housekeeping"),
        ),
    )),
    Section("Technical and manual solutions", (
        bullets(
            same("personal-area",
                 "Staff have a personal secure area on the network to store sensitive documents "
                 "or photographs.", "personal-network-area"),
            same("log-out",
                 "We require staff to log-out of systems when leaving their computer and admin "
                 "staff are automatically logged off if left unattended.", "log-out-when-leaving"),
            Clause("channels",
                   "We send and receive data files only through the approved channels listed "
                   "under \"Sending data safely\" below, each for the kinds of data and the "
                   "recipients it is approved for. Where no channel is approved, staff ask the "
                   "Data Protection Officer first."),
            same("initials",
                 "We use pupils' initials wherever possible when transferring data or "
                 "information in emails.", "pupil-initials-in-email"),
            Clause("two-factor",
                   "We use 2-factor authentication to access {two_factor}.",
                   "We use 2-factor authentication to access records in the Child Protection "
                   "Online Management System (CPOMS).",
                   when="two_factor", codes=(P + "cpoms-two-factor",),
                   otherwise="The systems register lists no system with 2-factor "
                             "authentication turned on."),
            same("cabinets",
                 "We store any Protect and Restricted written material in lockable storage "
                 "cabinets in the school admin offices.", "paper-locked-away"),
            same("servers",
                 "All servers are in lockable locations and managed by DBS-checked staff.",
                 "servers-locked"),
            same("tapes", "We lock any internal back-up tapes in a secure server room.",
                 "backup-tapes-locked"),
            Clause("backups-off-site",
                   "Back-ups are password protected. External back ups are encrypted and stored "
                   "off site ({backup}).",
                   "Back-ups are password protected. External back ups are encrypted and stored "
                   "off site in JKCloud high security data centres.",
                   when="backup", codes=(P + "backups-protected-off-site",),
                   otherwise="Back-ups are password protected. External back ups are encrypted "
                             "and stored off site."),
            same("disposal",
                 "We comply with the Waste Electrical and Electronic Equipment (WEEE) "
                 "Regulations 2013 on equipment disposal by using an approved or recommended "
                 "disposal company for disposal of system hard drives, where any protected or "
                 "restricted data has been held, and get a certificate of secure deletion for "
                 "any hard drive that once contained personal data.", "disposal-certified"),
            same("loaned-equipment",
                 "Portable equipment loaned by the school (for use by staff at home), where used "
                 "for any protected data, is disposed of through the same procedure.",
                 "loaned-equipment-disposal"),
            same("shredding",
                 "Paper based sensitive information is shredded, using cross cut shredder or "
                 "disposed in confidential waste paper bins.", "paper-shredded"),
        ),
    )),
    Section("Approved systems", (
        para("systems",
             "School staff work within these approved systems, as the school's systems register "
             "lists them:"),
        Block("table", table=SYSTEMS),
    )),
    Section("Sending data safely", (
        para("channels-table",
             "Each kind of data goes to each kind of recipient only through the approved "
             "channels below, as the school's transfer rules name them. For anything not listed "
             "here, staff ask the Data Protection Officer before sending it."),
        Block("table", table=CHANNELS),
    )),
)

# The published requirements no clause states, because live data stands in for them (the
# transfer rules' channels, the systems register, the policy register's review date).
LIVE_INSTEAD = frozenset(P + code for code in (
    "policy-reviewed", "ctf-by-s2s", "admissions-by-anycomms", "sensitive-files-by-egress",
    "remote-desktop", "data-to-london-schools-by-uso-fx2", "accounts-by-autoupdate",
    "disaster-recovery"))
# Left out even when the school edits it: the header's review dates, from the policy
# register, replace it.
HEADER_INSTEAD = frozenset({P + "policy-reviewed"})
# The paragraph that is the lead-in of published requirements quoted "<lead-in> … <bullet>".
LEAD_IN = "aup"

# The section a school's added clause goes in when it names none of the policy's headings.
OWN_SECTION = "Other practices at this school"
