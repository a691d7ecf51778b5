"""One row per attempt of the nightly backup (or of the backup ``schoolkeep upgrade`` takes).

Backups are of the whole installation, so a run belongs to no school.
"""

from __future__ import annotations

from django.db import models


class BackupRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    file_name = models.CharField(max_length=255, blank=True)  # the archive's name, no folder
    size = models.BigIntegerField(null=True, blank=True)  # bytes
    message = models.CharField(max_length=500, blank=True)  # the one-line reason of a failure

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["ok", "-finished_at"], name="backups_run_ok_finished")]

    def __str__(self) -> str:
        outcome = "ok" if self.ok else "failed"
        return f"Backup {self.started_at:%Y-%m-%d %H:%M} ({outcome})"
