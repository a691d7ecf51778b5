"""The archive's encryption on its own: round trip, and every kind of damage refused."""

from __future__ import annotations

import io
import os

import pytest

from schoolkeep.backups import crypto
from schoolkeep.backups.crypto import DecryptingReader, EncryptingWriter
from schoolkeep.backups.errors import BackupError

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "CHUNK_SIZE", 1024)
    monkeypatch.setattr(crypto, "SCRYPT_LOG2_N", 10)  # fast for tests; the header records it


def encrypt(data: bytes, passphrase: bytes = PASSPHRASE) -> bytes:
    sink = io.BytesIO()
    writer = EncryptingWriter(sink, passphrase)
    for start in range(0, len(data), 333):
        writer.write(data[start:start + 333])
    writer.close()
    return sink.getvalue()


def decrypt(blob: bytes, passphrase: bytes = PASSPHRASE) -> bytes:
    reader = DecryptingReader(io.BytesIO(blob), passphrase)
    out = reader.read()
    reader.drain()
    return out


FRAME = 1 + 4 + 1024 + 16  # one full chunk on disk


@pytest.mark.parametrize("size", [0, 1, 1024, 1025, 5000])
def test_round_trip_of_any_length(size: int) -> None:
    data = os.urandom(size)
    blob = encrypt(data)
    assert size < 16 or data[:16] not in blob  # no plain text shows through
    assert decrypt(blob) == data


def test_reading_in_small_pieces_gives_the_same_bytes() -> None:
    data = os.urandom(4000)
    reader = DecryptingReader(io.BytesIO(encrypt(data)), PASSPHRASE)
    pieces = []
    while piece := reader.read(100):
        pieces.append(piece)
    assert b"".join(pieces) == data


def test_wrong_passphrase_is_refused_on_the_first_chunk() -> None:
    with pytest.raises(BackupError) as caught:
        decrypt(encrypt(b"secret records"), b"wrong passphrase")
    assert caught.value.message == crypto.WRONG_PASSPHRASE
    assert not caught.value.damaged


def test_a_file_that_is_not_an_archive_is_refused() -> None:
    with pytest.raises(BackupError, match="not a Schoolkeep backup"):
        decrypt(b"PK\x03\x04 a zip file" * 10)


def test_a_flipped_byte_in_the_first_chunk_is_damage_not_a_wrong_passphrase() -> None:
    blob = bytearray(encrypt(os.urandom(3000)))
    blob[crypto.HEADER_SIZE + 40] ^= 0x01
    with pytest.raises(BackupError, match="chunk 1 failed authentication") as caught:
        decrypt(bytes(blob))
    assert caught.value.damaged


def test_a_flipped_byte_is_detected() -> None:
    blob = bytearray(encrypt(os.urandom(3000)))
    blob[crypto.HEADER_SIZE + FRAME + 40] ^= 0x01  # inside the second chunk
    with pytest.raises(BackupError, match="chunk 2 failed authentication") as caught:
        decrypt(bytes(blob))
    assert caught.value.damaged


def test_a_changed_header_is_detected() -> None:
    blob = bytearray(encrypt(b"x" * 10))
    blob[-40] ^= 0x01
    blob[crypto.HEADER_SIZE - 17] ^= 0x01  # the nonce prefix, bound into every chunk
    with pytest.raises(BackupError):
        decrypt(bytes(blob))


def test_truncation_at_a_chunk_boundary_is_detected() -> None:
    blob = encrypt(os.urandom(3000))
    with pytest.raises(BackupError, match="truncated") as caught:
        decrypt(blob[: crypto.HEADER_SIZE + 2 * FRAME])
    assert caught.value.damaged


def test_truncation_inside_a_chunk_is_detected() -> None:
    blob = encrypt(os.urandom(3000))
    with pytest.raises(BackupError, match="truncated"):
        decrypt(blob[:-7])


def test_reordered_chunks_are_detected() -> None:
    blob = encrypt(os.urandom(5000))
    start = crypto.HEADER_SIZE + FRAME  # swap the second and third chunks
    second, third = blob[start: start + FRAME], blob[start + FRAME: start + 2 * FRAME]
    swapped = blob[:start] + third + second + blob[start + 2 * FRAME:]
    with pytest.raises(BackupError, match="chunk 2 failed authentication"):
        decrypt(swapped)


def test_data_after_the_last_chunk_is_detected() -> None:
    with pytest.raises(BackupError, match="after its last chunk"):
        decrypt(encrypt(b"records") + b"more")


def test_an_empty_passphrase_is_refused() -> None:
    with pytest.raises(BackupError, match="empty"):
        encrypt(b"records", b"")


def _with_scrypt_settings(blob: bytes, log2_n: int, r: int, p: int) -> bytes:
    start = len(crypto.MAGIC) + 1  # after the magic and the format version
    return blob[:start] + bytes([log2_n, r, p]) + blob[start + 3:]


@pytest.mark.parametrize(("log2_n", "r", "p"), [
    (22, 8, 1),   # 4 GiB
    (20, 32, 1),  # 4 GiB
    (19, 8, 1),   # 512 MiB: just over the bound
    (15, 8, 5),   # p over 4
    (15, 8, 16),
])
def test_unreasonable_key_derivation_settings_are_refused_before_deriving(
        monkeypatch: pytest.MonkeyPatch, log2_n: int, r: int, p: int) -> None:
    blob = _with_scrypt_settings(encrypt(b"records"), log2_n, r, p)

    def must_not_derive(*_args: object) -> tuple[bytes, bytes]:
        raise AssertionError("scrypt ran on unauthenticated settings")

    monkeypatch.setattr(crypto, "derive_key", must_not_derive)
    with pytest.raises(BackupError, match="unreasonable key-derivation settings") as caught:
        decrypt(blob)
    assert caught.value.damaged


def test_the_bound_admits_what_is_written_and_up_to_256_mib() -> None:
    assert crypto.scrypt_memory(crypto.SCRYPT_LOG2_N, crypto.SCRYPT_R) <= 32 * 1024 * 1024
    assert crypto.scrypt_memory(18, 8) == crypto.SCRYPT_MAX_MEMORY  # 256 MiB: allowed
    # Accepted settings reach the key derivation (here: the key check then fails).
    blob = _with_scrypt_settings(encrypt(b"records"), 11, 8, 4)
    with pytest.raises(BackupError) as caught:
        decrypt(blob)
    assert caught.value.message == crypto.WRONG_PASSPHRASE
