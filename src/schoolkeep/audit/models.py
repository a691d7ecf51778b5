"""The append-only, hash-chained audit log.

One chain per school and one for events outside any school. Each row stores the SHA-256 of
the previous row of its chain and of its own canonical content, so an edited, inserted or
deleted row breaks the chain at that point.
"""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import connections, models

from schoolkeep.audit.hashing import LinkedBatch, LinkedRow

GLOBAL_CHAIN = "global"


class AuditRefused(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Reads only: every bulk path that would change, remove or insert rows is refused.

    New events are appended one at a time by ``schoolkeep.audit.services.audit_record``,
    which links each to the head of its chain.
    """

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditRefused("Audit events cannot be changed.")

    def _update(self, values: Any) -> NoReturn:
        raise AuditRefused("Audit events cannot be changed.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise AuditRefused("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditRefused("Audit events cannot be deleted.")

    def _raw_delete(self, using: Any) -> NoReturn:
        raise AuditRefused("Audit events cannot be deleted.")

    def create(self, **kwargs: Any) -> NoReturn:
        raise AuditRefused("Append audit events one at a time with audit_record().")

    def get_or_create(
        self, defaults: Any = None, **kwargs: Any
    ) -> NoReturn:
        raise AuditRefused("Append audit events one at a time with audit_record().")

    def bulk_create(
        self, objs: Any, batch_size: int | None = None, ignore_conflicts: bool = False,
        update_conflicts: bool = False, update_fields: Any = None, unique_fields: Any = None,
    ) -> NoReturn:
        raise AuditRefused("Append audit events one at a time with audit_record().")

    def update_or_create(
        self, defaults: Any = None, create_defaults: Any = None, **kwargs: Any
    ) -> NoReturn:
        raise AuditRefused("Audit events cannot be changed.")

    def _append_linked(self, batch: LinkedBatch, linked: list[LinkedRow], *,
                       batch_size: int = 500) -> int:
        """Internal to ``audit.services.audit_record_many``: insert rows it has already
        numbered and hashed onto their chains' heads, under the heads' locks, each with its
        changes as the canonical JSON text that was hashed. Nothing else may call this (the
        manager does not expose it).

        No ORM ``bulk_create``: it prepares each value of each row through its field, which
        cost more than the hashing. PostgreSQL takes the rows by COPY (half the CPU time of
        an INSERT run); SQLite by one plain INSERT run over plain tuples.
        """
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            return _copy_linked(connection, batch, linked)
        # Only our own table and column names go into the text; every value is a parameter.
        sql = (f"INSERT INTO {_table(connection)} ({_column_list(connection)}) "  # noqa: S608  # nosec B608
               f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})")
        # The time in the database's own form, from the field method the ORM would use;
        # the UUID as Django stores it where there is no uuid type (32 hex digits); the
        # changes as the text that was hashed.
        occurred_at = AuditEvent._meta.get_field("occurred_at").get_db_prep_save(
            batch.occurred_at, connection)
        request_id, ip_address = batch.request_id, batch.ip_address
        rows = [(row.public_id.replace("-", ""), row.chain, row.sequence,
                 row.school_id, row.actor_id, row.actor_label, row.action, row.target_type,
                 row.target_id, row.target_label, row.changes_json,
                 occurred_at, request_id, ip_address, row.previous_hash, row.hash,
                 row.sealed_digest)
                for row in linked]
        with connection.cursor() as cursor:
            for start in range(0, len(rows), batch_size):
                cursor.executemany(sql, rows[start:start + batch_size])
        return len(rows)


_COLUMNS = ("public_id", "chain", "sequence", "school_id", "actor_id", "actor_label", "action",
            "target_type", "target_id", "target_label", "changes", "occurred_at",
            "request_id", "ip_address", "previous_hash", "hash", "sealed_digest")


def _table(connection: Any) -> str:
    return str(connection.ops.quote_name(AuditEvent._meta.db_table))


def _column_list(connection: Any) -> str:
    return ", ".join(map(connection.ops.quote_name, _COLUMNS))


def _copy_linked(connection: Any, batch: LinkedBatch, linked: list[LinkedRow]) -> int:
    """PostgreSQL: the rows through ``COPY ... FROM STDIN`` (psycopg's ``copy``).

    Each value goes as psycopg writes it in COPY's text format: the UUID as its text and the
    aware time by psycopg's dumper (the same instant to the microsecond), which the columns
    parse as they would an INSERT's parameters; the changes as the JSON text that was hashed.
    """
    occurred_at, request_id, ip_address = batch.occurred_at, batch.request_id, batch.ip_address
    # Only our own table and column names go into the text; the rows are data, not SQL.
    sql = f"COPY {_table(connection)} ({_column_list(connection)}) FROM STDIN"
    # Errors raised as Django's own (IntegrityError...), as any other query's are.
    with connection.wrap_database_errors, connection.cursor() as cursor, \
            cursor.copy(sql) as copy:
        write = copy.write_row
        for row in linked:
            write((row.public_id, row.chain, row.sequence, row.school_id, row.actor_id,
                   row.actor_label, row.action, row.target_type, row.target_id,
                   row.target_label, row.changes_json, occurred_at, request_id, ip_address,
                   row.previous_hash, row.hash, row.sealed_digest))
    return len(linked)


class AuditEvent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    chain = models.CharField(max_length=64)
    sequence = models.PositiveBigIntegerField()
    # DO_NOTHING without a database constraint: an audit row must never block, nor cascade
    # from, a change elsewhere (a trigger refuses UPDATE/DELETE on this table).
    school = models.ForeignKey(
        "tenancy.School", null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.CharField(max_length=64, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # SHA-256 of the ciphertext of this event's sealed values (audit.sealing), blank when the
    # event has none; hashed only when set, so events from before sealing keep their hashes.
    sealed_digest = models.CharField(max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence")
        ]
        indexes = [
            models.Index(fields=["school", "-occurred_at"]),
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_label}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AuditRefused("Audit events cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditRefused("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """The last hash and sequence of each chain; locked while an event is appended."""

    chain = models.CharField(max_length=64, unique=True)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.chain} @ {self.sequence}"


class AuditSubjectKey(models.Model):
    """The key that seals a person's (or a user's) values in the audit trail.

    ``key`` is a Fernet key, itself encrypted with the application's keys; forgetting the
    subject blanks it (and ``name``) and sets ``erased_at``: the sealed values can then never
    be read again, while every event and its hash stay as they were. For a user, ``name`` is
    their name as the trail shows them as an actor, sealed with their own key.
    """

    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    key = models.TextField(blank=True)
    name = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"],
                                    name="audit_subject_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


class AuditSealedValue(models.Model):
    """An event's personal values (its target's label and its changes), encrypted with its
    subject's key. The event row holds the SHA-256 of ``ciphertext`` (``sealed_digest``),
    which its hash covers."""

    event_public_id = models.UUIDField(unique=True)
    subject_key = models.ForeignKey(AuditSubjectKey, on_delete=models.CASCADE,
                                    related_name="+")
    ciphertext = models.TextField()

    def __str__(self) -> str:
        return f"sealed values of {self.event_public_id}"
