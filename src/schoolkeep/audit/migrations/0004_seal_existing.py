# Issue 20, once: the personal values already in the trail move into the sealed side table.
# Authenticated actors' names go under their users' keys; the target labels and changes of
# events about a person (a static map: the models whose events were about a person when this
# was written) go under that person's key. Each chain is re-hashed from its first changed
# event, and one "audit.chain-reanchored" event per changed chain records its old and new
# head hashes. The append-only trigger (PostgreSQL) is dropped for the rewrite and created
# again in the same transaction. The operator must copy the chain heads again: the migration
# says so, and the audit trail page shows a notice until they do.

import hashlib
import json

from cryptography.fernet import Fernet
from django.core.exceptions import FieldDoesNotExist
from django.db import migrations
from django.utils import timezone

from schoolkeep.audit.hashing import canonical_json, event_hash, hashed_fields
from schoolkeep.lib.crypto import decrypt_text, encrypt_text

SEALED = "sealed"
ERASED = "erased"
REANCHORED = "audit.chain-reanchored"
TRIGGER_SQL = __import__("importlib").import_module(
    "schoolkeep.audit.migrations.0002_append_only")
# Events whose target is one of these are about a person (a static map: the models whose
# events were about someone when this was written): model label -> the fields tried in turn,
# each with the subject type it names ("" : the record itself). The target id is the
# record's public id (or primary key); each record's person/parent/user id is looked up
# through the historical models, 500 targets at a time.
ABOUT_A_PERSON = {
    "people.person": [("", "people.person")],
    "accounts.user": [("", "accounts.user")],
    "agreements.parent": [("", "agreements.parent")],
    "people.check": [("person_id", "people.person")],
    "people.checkoverride": [("person_id", "people.person")],
    "people.certificatecopy": [("check_record__person_id", "people.person")],
    "agreements.signature": [("person_id", "people.person"),
                             ("parent_id", "agreements.parent"),
                             ("user_id", "accounts.user"),
                             # a visitor's kiosk entry: under its own key, as it is live
                             ("kiosk_id", "agreements.signature")],
    "agreements.signinglink": [("person_id", "people.person"),
                               ("parent_id", "agreements.parent"),
                               ("user_id", "accounts.user")],
    "agreements.reminder": [("person_id", "people.person"),
                            ("parent_id", "agreements.parent"),
                            ("user_id", "accounts.user")],
    "training.trainingrecord": [("person_id", "people.person")],
    "leavers.checklist": [("person_id", "people.person")],
    "passwords.passwordchange": [("person_id", "people.person")],
    "passwords.changelink": [("person_id", "people.person")],
    "passwords.reminder": [("person_id", "people.person")],
    "equipment.loan": [("person_id", "people.person")],
    "transfers.removal": [("person_id", "people.person")],
    "housekeeping.confirmation": [("person_id", "people.person")],
    "access.administratordbsexception": [("person_id", "people.person")],
    "privacy.erasurehold": [("person_id", "people.person")],
    "tenancy.membership": [("user_id", "accounts.user")],
    "accounts.apitoken": [("user_id", "accounts.user")],
}
# Actor labels of work done through a link or the kiosk carry the person's name after the
# colon: the name goes into the event's sealed values, the row keeps the words before it.
NAMED_ACTOR_PREFIXES = ("signing link: ", "personal link: ", "kiosk: ")
GONE = "gone"  # a target no longer present: its values are kept under no key ("erased")


def _shape(changes, word=SEALED):
    if not isinstance(changes, dict):
        return word
    shaped = {}
    for name, value in changes.items():
        if isinstance(value, dict) and set(value) <= {"before", "after"}:
            shaped[name] = {side: None if v is None else word for side, v in value.items()}
        else:
            shaped[name] = None if value is None else word
    return shaped


class _Keys:
    def __init__(self, apps):
        self.model = apps.get_model("audit", "AuditSubjectKey")
        self.cache = {}
        self.names = {}

    def get(self, subject):
        if subject not in self.cache:
            row = self.model.objects.filter(subject_type=subject[0],
                                            subject_id=subject[1]).first()
            if row is None:
                row = self.model.objects.create(
                    subject_type=subject[0], subject_id=subject[1],
                    key=encrypt_text(Fernet.generate_key().decode("ascii")))
            fernet = (Fernet(decrypt_text(row.key).encode("ascii"))
                      if row.erased_at is None and row.key else None)
            self.cache[subject] = (row, fernet)
        return self.cache[subject]


def _has_field(model, path):
    name = path.split("__")[0]
    name = name[:-3] if name.endswith("_id") else name
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:  # a field this historical model does not have
        return False
    return True


def _subjects_of(apps, label, target_ids):
    """target id (text) -> the subject of the record, or GONE when the record is gone (or
    names nobody)."""
    app_label, model_name = label.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return {}
    by_public = any(f.name == "public_id" for f in model._meta.get_fields())
    key = "public_id" if by_public else "pk"
    routes = [(path, kind) for path, kind in ABOUT_A_PERSON[label]
              if not path or _has_field(model, path)]
    found = {}
    for start in range(0, len(target_ids), 500):
        chunk = target_ids[start:start + 500]
        if not by_public:
            chunk = [t for t in chunk if str(t).isdigit()]
        columns = [key, "pk"] + [path for path, _ in routes if path]
        for values in model.objects.filter(**{f"{key}__in": chunk}).values_list(*columns):
            row = dict(zip(columns, values))
            subject = GONE
            for path, kind in routes:
                pk = row["pk"] if not path else row[path]
                if pk is not None and pk != "":
                    subject = (kind, str(row["pk"] if path == "kiosk_id" else pk))
                    break
            found[str(row[key])] = subject
    return found


def seal_existing(apps, schema_editor):
    Event = apps.get_model("audit", "AuditEvent")
    Head = apps.get_model("audit", "AuditChainHead")
    Sealed = apps.get_model("audit", "AuditSealedValue")
    connection = schema_editor.connection
    if not Event.objects.exists():
        return
    keys = _Keys(apps)
    subjects = {}
    for label in ABOUT_A_PERSON:
        ids = list(Event.objects.filter(target_type=label, sealed_digest="")
                   .values_list("target_id", flat=True).distinct())
        present = _subjects_of(apps, label, ids)
        for target_id in ids:
            # A record (or person) already gone before the upgrade: its values are kept
            # under no key at all and read "erased".
            subjects[(label, target_id)] = present.get(str(target_id), GONE)
    if connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL.DROP_TRIGGER, params=None)
    changed_chains = []
    for head in Head.objects.order_by("chain"):
        result = _reseal_chain(Event, Head, Sealed, keys, subjects, head)
        if result:
            changed_chains.append(result)
    if connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL.CREATE_TRIGGER, params=None)
    if changed_chains:
        print("\n  The audit trail's personal values are now sealed and "
              f"{len(changed_chains)} chain(s) were re-anchored.\n"
              "  Copy the chain heads again: schoolkeep audit heads > audit-heads.txt")


def _reseal_chain(Event, Head, Sealed, keys, subjects, head):
    previous = None
    rewriting = False
    old_head = head.last_hash
    last_hash = None
    sequence = 0
    for event in Event.objects.filter(chain=head.chain).order_by("sequence").iterator(
            chunk_size=2000):
        sequence = event.sequence
        changed = False
        if event.actor_id is not None and event.actor_label != SEALED:
            row, fernet = keys.get(("accounts.user", str(event.actor_id)))
            if fernet is not None and keys.names.get(row.pk) != event.actor_label:
                keys.names[row.pk] = event.actor_label  # the latest name is the one kept
                row.name = fernet.encrypt(event.actor_label.encode("utf-8")).decode("ascii")
                row.save(update_fields=["name"])
            event.actor_label = SEALED
            changed = True
        subject = subjects.get((event.target_type, event.target_id))
        named_actor = event.actor_id is None and event.actor_label.startswith(
            NAMED_ACTOR_PREFIXES)
        if subject is None and named_actor:
            # Nobody to seal the name under: only the kind of link (kiosk) is kept.
            event.actor_label = event.actor_label.split(":", 1)[0]
            changed = True
        if subject is not None and not event.sealed_digest:
            row, fernet = keys.get(subject) if subject != GONE else (None, None)
            values = {"changes": event.changes, "target_label": event.target_label}
            if named_actor:
                values["actor_label"] = event.actor_label
                event.actor_label = event.actor_label.split(":", 1)[0]
            if fernet is not None:
                payload = canonical_json(values)
                ciphertext = fernet.encrypt(payload.encode("utf-8")).decode("ascii")
                event.sealed_digest = hashlib.sha256(ciphertext.encode("ascii")).hexdigest()
                Sealed.objects.create(event_public_id=event.public_id, subject_key=row,
                                      ciphertext=ciphertext)
                event.target_label, event.changes = "", _shape(event.changes)
            else:  # gone before the upgrade (or forgotten): nothing kept, values "erased"
                event.target_label, event.changes = "", _shape(event.changes, ERASED)
            changed = True
        if changed or rewriting:
            rewriting = True
            if previous is not None:
                event.previous_hash = previous
            event.hash = event_hash(hashed_fields(event), event.previous_hash)
            Event.objects.filter(pk=event.pk).update(
                actor_label=event.actor_label, target_label=event.target_label,
                changes=json.loads(canonical_json(event.changes)),
                sealed_digest=event.sealed_digest, previous_hash=event.previous_hash,
                hash=event.hash)
        previous = event.hash
        last_hash = event.hash
    if not rewriting:
        return None
    anchor = Event(chain=head.chain, sequence=sequence + 1, school_id=event.school_id,
                   actor_id=None, actor_label="system", action=REANCHORED,
                   target_type="", target_id="", target_label="",
                   changes={"old_head": old_head, "rehashed_head": last_hash,
                            "rehashed_to_sequence": sequence},
                   occurred_at=timezone.now(), request_id="", ip_address="",
                   previous_hash=last_hash)
    anchor.hash = event_hash(hashed_fields(anchor), last_hash)
    anchor.save()
    Head.objects.filter(pk=head.pk).update(sequence=anchor.sequence, last_hash=anchor.hash)
    return head.chain


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_sealing'),
        ('people', '0010_leaver_retention_in_the_schedule'),
        ('accounts', '0003_index_calendar_token'),
        ('agreements', '0004_kiosk_pin_and_task_paths'),
        ('training', '0001_courses_and_records'),
        ('leavers', '0003_fill_skipped_kind'),
        ('passwords', '0001_password_cycles'),
        ('equipment', '0002_disposal_earlier_files_matched_label'),
        ('transfers', '0001_transfer_rules_log_removals'),
        ('housekeeping', '0001_campaigns'),
        ('access', '0001_system_accounts'),
        ('privacy', '0001_initial'),
        ('tenancy', '0004_term_holiday_kind'),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
    ]
