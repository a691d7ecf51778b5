"""The headings of a system's user list: each fact Schoolkeep reads, and the headings it is
known by in the exports schools already have (a Microsoft 365 or Google Workspace admin
export, a SIMS user list, a plain file).

A user list carries many columns Schoolkeep has no use for (office, phone, licence
details...): those are ignored and listed in a note. A column whose heading names a password
is never read, whatever it holds: Schoolkeep never stores, asks for or shows a password.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.lib.tabular import heading_key


@dataclass(frozen=True)
class Fact:
    """One fact of an account and the headings that give it."""

    field: str  # username, display_name, first_name, last_name, email, enabled, is_admin...
    heading: str  # the template's heading
    parser: str  # how a cell is read: see reading._parse
    aliases: tuple[str, ...]
    accepts: str  # what may go in it, in plain English (docs and the template)


YES_NO = "yes or no (also y/n, true/false, 1/0, on/off); blank: not known"

FACTS: tuple[Fact, ...] = (
    Fact("username", "Username", "username",
         ("user name", "user", "login", "login name", "logon name", "account",
          "account name", "user id", "userid", "user principal name",
          "userprincipalname", "upn", "sam account name", "samaccountname",
          "email address [required]"),
         "the account's username or sign-in name (every row needs one; each once)"),
    Fact("display_name", "Name", "text",
         ("display name", "displayname", "full name", "user's name", "name [read only]",
          "account holder"),
         "the holder's name as the system shows it"),
    Fact("first_name", "First name", "text",
         ("forename", "forenames", "given name", "givenname", "first name [required]",
          "legal forename", "preferred forename"),
         "the holder's first name (with a last name: read as the name)"),
    Fact("last_name", "Last name", "text",
         ("surname", "family name", "last name [required]", "legal surname",
          "preferred surname"),
         "the holder's last name (with a first name: read as the name)"),
    Fact("email", "Email", "email",
         ("e-mail", "email address", "e-mail address", "mail", "primary email",
          "work email", "email address [read only]", "primary smtp address"),
         "the holder's e-mail address (when the file has none, a username that is an "
         "e-mail address is used to find the person)"),
    Fact("enabled", "Enabled", "enabled",
         ("account enabled", "accountenabled", "active", "sign-in allowed",
          "sign in allowed", "status", "status [read only]", "account status",
          "user status"),
         "yes or no, or a status: active, enabled, suspended, disabled, inactive, "
         "blocked, locked, archived; blank: not known"),
    Fact("disabled", "Account disabled", "disabled",
         ("disabled", "blocked", "block credential", "blockcredential", "block sign-in",
          "sign-in blocked", "suspended", "locked", "locked out"),
         "yes or no, read the other way round (yes: the account is disabled); blank: "
         "not known"),
    Fact("is_admin", "Admin", "bool",
         ("administrator", "is admin", "isadmin", "admin account", "is administrator",
          "admin [read only]", "super admin"),
         YES_NO),
    Fact("role", "Role", "role",
         ("roles", "admin role", "admin roles", "user role", "user roles", "role name",
          "account type", "user type", "groups", "user groups", "group", "security groups",
          "admin role [read only]"),
         "the account's roles or groups: one that says admin, administrator or system "
         "manager makes it an administrator account; any other value: not one"),
    Fact("licence", "Licences", "licence",
         ("licence", "license", "licenses", "licences assigned", "assigned licenses",
          "license assignment detail", "licenses assigned"),
         "a licence naming admin makes it an administrator account; other licences say "
         "nothing about it"),
    Fact("mfa_on", "Two-factor", "mfa",
         ("two factor", "two-factor authentication", "two factor authentication", "2fa",
          "mfa", "mfa status", "mfa enabled", "mfa state", "multi-factor auth status",
          "multifactor authentication", "multi-factor authentication", "mfa registered",
          "is mfa registered", "2-step verification", "2-step verification enrolled",
          "2-step verification status", "2sv enrolled", "2sv enrolled [read only]",
          "two-step verification", "strong authentication"),
         "yes or no, or a status: enabled, enforced, enrolled, registered (on); disabled, "
         "not enrolled (off); blank: not known"),
    Fact("last_sign_in", "Last sign-in", "sign_in",
         ("last sign in", "last sign-in date", "last sign in date", "last sign-in time",
          "last sign in [read only]", "last login", "last log in", "last logon",
          "last log-on", "last logged in", "last signed in", "lastsignindatetime",
          "last sign-in date (utc)", "last activity", "last logon date", "lastlogondate",
          "last login date"),
         "a date, or a date and time: 03/09/2024 08:15, 2024-09-03T08:15:00Z or "
         "2024/09/03 08:15:00 (UK time unless it says otherwise); never: never signed in"),
)

BY_FIELD: dict[str, Fact] = {fact.field: fact for fact in FACTS}
BY_HEADING: dict[str, Fact] = {
    heading_key(name): fact for fact in FACTS for name in (fact.heading, *fact.aliases)}
HEADINGS: list[str] = [fact.heading for fact in FACTS]
# Facts that say the same thing: the file should give one of each group.
SAME_FACT: dict[str, str] = {"disabled": "enabled", "licence": "is_admin", "role": "is_admin"}
# Words that make a heading a password's: such a column is never read.
SECRET_WORDS = ("password", "passcode", "pin", "secret", "credential hash", "hash function")


def is_secret_heading(key: str) -> bool:
    """Whether a heading (as heading_key gives it) names a password or the like. "Block
    credential" (Microsoft 365's "sign-in blocked") is a fact, not a secret."""
    if key in BY_HEADING:
        return False
    words = key.replace("-", " ").replace("_", " ").split()
    return any(word in key for word in SECRET_WORDS if " " in word) or any(
        word in words or word.rstrip("s") in words or f"{word}s" in words
        for word in SECRET_WORDS if " " not in word) or "password" in key
