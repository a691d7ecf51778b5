"""Records the policy document's tests share: a school with sites, a SIRO and DPO, systems
(two transfer channels from the catalogue, a safeguarding system with two-factor on, a remote
access gateway, a backup service), a register of information assets in the policy's layout,
and the school's Online Security Policy approved by a governor in the policy register."""

from __future__ import annotations

from datetime import date

from tests.factories import SiteFactory
from tests.personas import Personas

from schoolkeep.agreements.policies import services as policy_services
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.assets import services as asset_services
from schoolkeep.compliance.models import Framework, Requirement
from schoolkeep.systems.services import system_add_from_catalogue, system_create

# The register's rows as Appendix 1 lays them out (group rows span the four columns).
APPENDIX = [
    ("Pupil data (MIS)", "Core pupil data", "Terence Hudson", ["Pupil Data Administrator"],
     "Teaching and learning /statutory returns"),
    ("Pupil data (MIS)", "Reports and assessments", "Terence Hudson",
     ["Head", "Deputy", "Class Teachers"], "Teaching and learning /statutory returns"),
    ("Disaster recovery", "Secure remote back-up", "RedStor", ["Joskos Technician"],
     "Business Continuity / communication"),
]
HEADINGS = ["", "Information Asset Owner", "Who has access to enter information", "Purpose"]
EXPECTED_APPENDIX = [
    HEADINGS,
    ["Pupil data (MIS)"] * 4,
    ["Core pupil data", "Terence Hudson", "Pupil Data Administrator",
     "Teaching and learning /statutory returns"],
    ["Reports and assessments", "Terence Hudson", "Head / Deputy / Class Teachers",
     "Teaching and learning /statutory returns"],
    ["Disaster recovery"] * 4,
    ["Secure remote back-up", "RedStor", "Joskos Technician",
     "Business Continuity / communication"],
]
# A clause of the policy that the template quotes, as the school-policy framework quotes it.
SHREDDING = ("Paper based sensitive information is shredded, using cross cut shredder or "
             "disposed in confidential waste paper bins.")
OWN_SHREDDING = "Confidential paper is collected each week by Shred-It, who send a certificate."


def add_assets(personas: Personas, count: int = 0, *, start: int = 0) -> None:
    """The rows of ``APPENDIX`` (``count`` 0), or ``count`` numbered assets from ``start``."""
    school = personas.school
    rows = APPENDIX if not count else [
        ("Group", f"Asset {n}", f"Owner {n}", ["Office"], "Purpose")
        for n in range(start, start + count)]
    for group, name, owner, access, purpose in rows:
        asset_services.asset_create(
            school=school, actor=None, name=name, owner_unmatched=owner, access_labels=access,
            purpose=purpose,
            group=asset_services.group_get_or_create(school=school, name=group, actor=None))


def add_systems(personas: Personas) -> None:
    school = personas.school
    system_add_from_catalogue(school=school, actor=None, key="dfe-s2s")
    system_add_from_catalogue(school=school, actor=None, key="egress")
    system_create(school=school, actor=None, name="CPOMS", kind="safeguarding",
                  supplier="CPOMS Systems", mfa_required=True, mfa_enabled=True)
    system_create(school=school, actor=None, name="Freedom2Roam", kind="remote_access",
                  remote_access_method="gateway with two-factor sign-in")
    system_create(school=school, actor=None, name="RedStor", kind="backup")


def approved_policy(personas: Personas, *, approved_on: date) -> Policy:
    """The school's Online Security Policy, approved in the register by the governor."""
    school, siro = personas.school, personas.siro
    policy = policy_services.policy_create(school=school, actor=siro,
                                           title="Online Security Policy",
                                           kind=Policy.Kind.ONLINE_SECURITY)
    version = policy_services.version_add(policy=policy, actor=siro, text="The policy.")
    policy_services.version_send_for_review(version=version, actor=siro, notify=False)
    policy_services.version_approve(version=version, actor=personas.governor,
                                    full_name="Julie Lamb", approved_on=approved_on)
    policy.refresh_from_db()
    return policy


def school_policy_framework() -> Framework:
    """The current school-policy framework (loaded by the catalogue's migration; made here
    when it is not), with the published shredding clause."""
    framework = Framework.objects.filter(code="school-policy", is_current=True).first()
    if framework is None:
        framework = Framework.objects.create(
            code="school-policy", version="test", title="Online Security Policy",
            short_title="Our policy", publisher="The school", order=1)
    return framework


def published_shredding(framework: Framework) -> Requirement:
    found = next((r for r in Requirement.objects.filter(framework=framework,
                                                        school__isnull=True)
                  if "cross cut shredder" in r.text), None)
    if found is not None:
        return found
    return Requirement.objects.create(framework=framework, code="school-policy.paper-shredded",
                                      section="Technical and manual solutions",
                                      title="Sensitive paper is shredded", text=SHREDDING)


def edit_shredding(personas: Personas) -> Requirement:
    """The school's own words for the shredding clause (an edit of the published one)."""
    framework = school_policy_framework()
    published = published_shredding(framework)
    return Requirement.objects.create(framework=framework, school=personas.school,
                                      code=f"{published.code}.own",
                                      replaces_code=published.code, section=published.section,
                                      title=published.title, text=OWN_SHREDDING)


def add_sites(personas: Personas) -> None:
    SiteFactory(school=personas.school, name="Main building")
    SiteFactory(school=personas.school, name="Routes4Life provision")
