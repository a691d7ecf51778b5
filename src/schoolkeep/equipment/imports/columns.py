"""The headings of an equipment file: each fact Schoolkeep reads about an item, and the
headings it is known by, including those of a Snipe-IT asset export ("Asset Tag", "Serial",
"Model", "Manufacturer", "Category", "Location", "Checked Out To", "Status").

Columns Schoolkeep has no use for (purchase cost, warranty, supplier...) are ignored and
listed in a note on the preview.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.lib.tabular import heading_key


@dataclass(frozen=True)
class Fact:
    """One fact of an item and the headings that give it."""

    field: str  # the Item field (or assigned_name / assigned_email)
    heading: str  # the template's heading
    parser: str  # how a cell is read: see reading.parse_cell
    aliases: tuple[str, ...]
    accepts: str  # what may go in it, in plain English (docs and the template)


FACTS: tuple[Fact, ...] = (
    Fact("asset_tag", "Asset tag", "text",
         ("tag", "asset number", "asset no", "asset no.", "inventory number",
          "property tag", "asset id"),
         "the school's label on the item (each tag once in the file)"),
    Fact("serial_number", "Serial number", "text",
         ("serial", "serial no", "serial no.", "s/n", "sn", "serial #", "service tag"),
         "the maker's serial number (each once in the file). Every row needs a serial "
         "number or an asset tag"),
    Fact("kind", "Kind", "kind",
         ("category", "type", "device type", "asset type", "equipment type"),
         "laptop, desktop, server, tablet, phone, external drive, USB stick, backup tape, "
         "other storage media or other (a Snipe-IT category such as Laptops or Mobile "
         "Phones is read too; one not known is read as other equipment). Needed for a new "
         "item"),
    Fact("make", "Make", "text",
         ("manufacturer", "brand", "vendor", "maker"),
         "who made it: Dell, HP, Apple..."),
    Fact("model_name", "Model", "text",
         ("model name", "product", "product name"),
         "the model: Latitude 5440, EliteDesk 800 G6..."),
    Fact("personal_data", "Holds personal data", "yes_no",
         ("personal data", "holds or has held personal data", "has personal data",
          "contains personal data"),
         "yes, no, or not known (blank: not known for a new item)"),
    Fact("encryption", "Encryption", "encryption",
         ("encrypted", "encryption status", "disk encryption", "full disk encryption"),
         "BitLocker, FileVault, other (another encryption), none (not encrypted) or not "
         "known; yes is read as other encryption and no as none"),
    Fact("encryption_verified_on", "Encryption verified on", "date",
         ("encryption checked on", "encryption verified", "encryption checked",
          "date encryption verified"),
         "the day someone checked the encryption: 03/09/2024, 3 September 2024 or "
         "2024-09-03"),
    Fact("location", "Location", "text",
         ("room", "default location", "site", "where"),
         "where it is kept: the office, IT cupboard, Room 4..."),
    Fact("assigned_name", "Assigned to", "text",
         ("checked out to", "assigned", "user", "assigned user", "issued to", "owner",
          "person"),
         "the person it is assigned to, as named on the Single Central Record"),
    Fact("assigned_email", "Assigned to email", "email",
         ("assigned to e-mail", "assigned email", "email", "e-mail", "user email",
          "checked out to email"),
         "that person's e-mail address (found by e-mail first, then by name)"),
    Fact("status", "Status", "status",
         ("status label", "state", "asset status"),
         "in use, in store, awaiting disposal (Snipe-IT's Deployed, Ready to Deploy, "
         "Pending and Archived are read too). Lost, stolen and disposed of: only for a new "
         "item; for a recorded item use its page (a loss reports an incident, a disposal "
         "goes in a disposal batch)"),
    Fact("notes", "Notes", "notes",
         ("note", "comments", "comment", "description"),
         "anything else worth knowing"),
)

BY_FIELD: dict[str, Fact] = {fact.field: fact for fact in FACTS}
BY_HEADING: dict[str, Fact] = {
    heading_key(name): fact for fact in FACTS for name in (fact.heading, *fact.aliases)}
HEADINGS: list[str] = [fact.heading for fact in FACTS]
