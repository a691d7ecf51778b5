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
from django.db import migrations
from django.utils import timezone

from schoolkeep.audit.hashing import canonical_json, event_hash, hashed_fields
from schoolkeep.lib.crypto import decrypt_text, encrypt_text

SEALED = "sealed"
REANCHORED = "audit.chain-reanchored"
TRIGGER_SQL = __import__("importlib").import_module(
    "schoolkeep.audit.migrations.0002_append_only")
# Events whose target is one of these are about a person: (model label) -> the subject
# type. The target id is the record's public id; the subject id is the person's (user's)
# primary key, looked up below.
ABOUT_A_PERSON = {"people.person": "people.person", "accounts.user": "accounts.user"}


def _shape(changes):
    if not isinstance(changes, dict):
        return SEALED
    shaped = {}
    for name, value in changes.items():
        if isinstance(value, dict) and set(value) <= {"before", "after"}:
            shaped[name] = {side: None if v is None else SEALED for side, v in value.items()}
        else:
            shaped[name] = None if value is None else SEALED
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


def _person_ids(apps, label, public_ids):
    """public id (text) -> primary key (text) of the people (users) still present."""
    app_label, model_name = label.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return {}
    found = {}
    for chunk in range(0, len(public_ids), 500):
        for public_id, pk in model.objects.filter(
                public_id__in=public_ids[chunk:chunk + 500]).values_list("public_id", "pk"):
            found[str(public_id)] = str(pk)
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
        present = _person_ids(apps, label, ids)
        for target_id in ids:
            # A person no longer present: sealed under a key named by the record's public
            # id, which erasure can still forget.
            subjects[(label, target_id)] = (ABOUT_A_PERSON[label],
                                            present.get(target_id, f"public:{target_id}"))
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
        if subject is not None and not event.sealed_digest:
            row, fernet = keys.get(subject)
            payload = canonical_json({"changes": event.changes,
                                      "target_label": event.target_label})
            if fernet is not None:
                ciphertext = fernet.encrypt(payload.encode("utf-8")).decode("ascii")
                event.sealed_digest = hashlib.sha256(ciphertext.encode("ascii")).hexdigest()
                Sealed.objects.create(event_public_id=event.public_id, subject_key=row,
                                      ciphertext=ciphertext)
            event.target_label, event.changes = "", _shape(event.changes)
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
        ('people', '0001_people_and_checks'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
    ]
