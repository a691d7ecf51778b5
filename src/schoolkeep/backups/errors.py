"""The one error of backups and restores: a one-line reason for the operator."""

from __future__ import annotations


class BackupError(Exception):
    """Why a backup, verification or restore cannot go on, in one line.

    ``damaged`` marks an archive that failed authentication or a checksum after its first
    chunk (the commands exit 2 for it, 1 for every other reason).
    """

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.damaged = damaged
