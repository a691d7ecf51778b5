"""The archive's encryption: a passphrase-derived key and AES-256-GCM in 1 MiB chunks.

File layout::

    header   MAGIC (8) | version (1) | scrypt log2(n), r, p (3) | salt (16) | nonce prefix (8)
             | key check (16)
    chunk*   last flag (1) | ciphertext length (4, big-endian) | ciphertext with its 16-byte tag

Each chunk's nonce is the archive's random prefix plus the chunk's counter, and its associated
data binds the whole header, the chunk's index and the "last chunk" flag: a chunk that is
altered, moved, dropped or cut off fails to authenticate, and a file that ends before its last
chunk is truncated. The key check (more output of the same scrypt derivation, never the key)
tells a wrong passphrase apart from a damaged first chunk. Only one chunk is ever held in
memory. The key is never the application's Fernet keys: losing the passphrase loses the
backups, not the running site.
"""

from __future__ import annotations

import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from schoolkeep.backups.errors import BackupError

MAGIC = b"SKBACKUP"
FORMAT_VERSION = 1
CHUNK_SIZE = 1024 * 1024
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1
# The header is read before anything is authenticated, so its scrypt settings are bounded:
# a file from elsewhere must not make the host allocate gigabytes or spin for minutes.
# (Writing uses 32 MiB; raise these with a new format version, not silently.)
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024
SCRYPT_MAX_P = 4
_HEADER = struct.Struct(">8sBBBB16s8s16s")
_FRAME = struct.Struct(">BI")
HEADER_SIZE = _HEADER.size
WRONG_PASSPHRASE = "wrong passphrase or not a Schoolkeep backup"  # nosec B105 - a message


def derive_key(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int
               ) -> tuple[bytes, bytes]:
    """The AES key and the key check stored in the header."""
    if not passphrase:
        raise BackupError("the backup passphrase is empty")
    derived = Scrypt(salt=salt, length=48, n=2**log2_n, r=r, p=p).derive(passphrase)
    return derived[:32], derived[32:]


def scrypt_memory(log2_n: int, r: int) -> int:
    """The bytes scrypt needs for these settings (128 · r · N)."""
    return 128 * r * 2**log2_n


def _associated(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if last else 0)


def _nonce(prefix: bytes, index: int) -> bytes:
    if index >= 2**32:
        raise BackupError("the archive is too large for one backup (over 4 PiB)")
    return prefix + struct.pack(">I", index)


class EncryptingWriter:
    """A write-only file object: what is written comes out encrypted into ``sink``."""

    def __init__(self, sink: BinaryIO, passphrase: bytes) -> None:
        salt, self._prefix = os.urandom(16), os.urandom(8)
        key, check = derive_key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._header = _HEADER.pack(
            MAGIC, FORMAT_VERSION, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, salt, self._prefix, check
        )
        self._aead = AESGCM(key)
        self._sink = sink
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        sink.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back so the final chunk, however short, carries the flag.
        while len(self._buffer) > CHUNK_SIZE:
            self._emit(bytes(self._buffer[:CHUNK_SIZE]), last=False)
            del self._buffer[:CHUNK_SIZE]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(
            _nonce(self._prefix, self._index), plain,
            _associated(self._header, self._index, last),
        )
        self._sink.write(_FRAME.pack(1 if last else 0, len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only file object over an encrypted archive; raises BackupError on any damage."""

    def __init__(self, source: BinaryIO, passphrase: bytes) -> None:
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE:
            raise BackupError(WRONG_PASSPHRASE)
        magic, version, log2_n, r, p, salt, prefix, stored_check = _HEADER.unpack(header)
        if magic != MAGIC:
            raise BackupError(WRONG_PASSPHRASE)
        if version != FORMAT_VERSION:
            raise BackupError(f"archive format {version} is not one this Schoolkeep reads")
        if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise BackupError("the archive's header is damaged")
        if scrypt_memory(log2_n, r) > SCRYPT_MAX_MEMORY or p > SCRYPT_MAX_P:
            raise BackupError("the archive asks for unreasonable key-derivation settings",
                              damaged=True)
        key, check = derive_key(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(check, stored_check):
            raise BackupError(WRONG_PASSPHRASE)
        self._header, self._prefix = header, prefix
        self._aead = AESGCM(key)
        self._source = source
        self._buffer = b""
        self._pos = 0  # read position in _buffer: slicing a 1 MiB chunk per read is costly
        self._index = 0
        self._finished = False

    def _next_chunk(self) -> bytes:
        frame = self._source.read(_FRAME.size)
        if len(frame) < _FRAME.size:
            raise BackupError("the archive is truncated: it ends before its last chunk",
                              damaged=True)
        flag, length = _FRAME.unpack(frame)
        if flag not in (0, 1) or length > CHUNK_SIZE + 16:
            raise self._failure()
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise BackupError("the archive is truncated: it ends inside a chunk", damaged=True)
        last = flag == 1
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, self._index), sealed,
                _associated(self._header, self._index, last),
            )
        except InvalidTag:
            raise self._failure() from None
        self._index += 1
        if last:
            self._finished = True
            if self._source.read(1):
                raise BackupError("the archive has data after its last chunk", damaged=True)
        return plain

    def _failure(self) -> BackupError:
        return BackupError(
            f"the archive is damaged: chunk {self._index + 1} failed authentication", damaged=True
        )

    def read(self, size: int = -1) -> bytes:
        while not self._finished and (size < 0 or len(self._buffer) - self._pos < size):
            self._buffer = self._buffer[self._pos:] + self._next_chunk()
            self._pos = 0
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._pos + size)
        out = self._buffer[self._pos:end]
        self._pos = end
        return out

    def drain(self) -> None:
        """Read to the end, so that a truncated or extended file is caught."""
        while not self._finished:
            self._next_chunk()
