"""Hostile policy files: a zip (DOCX, ODT) that unpacks to far more than a document holds is
refused from its directory before anything is unpacked (issue 12, finding 2), and the
command-line import refuses a web page or a script as the web import does (finding 8).

The zips are written by hand: deflate packs at most about 1,000 bytes into one, so an honest
member of 300 MB of zeros takes 300 KB; a directory that lies about a member's size, or lists
one member's data many times, takes a few hundred bytes."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from tests.hostile_files import REPO, environment

from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.policies.services import ODT, policy_create, policy_file_type
from schoolkeep.agreements.tests.policy_texts import policy_text
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError

MB = 1 << 20
ZEROS = bytes(MB)


# ---------------------------------------------------------------------------- zips by hand


def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate data of ``megabytes`` MB of zeros, and its CRC, without compressing them
    all: one megabyte packed once (flushed so that it refers to nothing before it), repeated,
    then an empty final block."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(ZEROS) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(ZEROS, crc)
    return block * megabytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush(), crc


Member = tuple[str, bytes, int, int, int]  # name, data as stored, method, CRC, size unpacked


def member(name: str, content: bytes) -> Member:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return (name, packer.compress(content) + packer.flush(), 8, zlib.crc32(content),
            len(content))


def raw_zip(members: list[Member], *, listed: int = 1) -> bytes:
    """A zip of ``members``, whose directory lists each member ``listed`` times (every entry
    pointing at the same data), as its directory says, whatever the data holds."""
    local, directory, count = b"", b"", 0
    for name, data, method, crc, size in members:
        encoded = name.encode()
        offset = len(local)
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc,
                             len(data), size, len(encoded), 0) + encoded + data
        for _ in range(listed):
            directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21,
                                     crc, len(data), size, len(encoded), 0, 0, 0, 0, 0,
                                     offset) + encoded
            count += 1
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory),
                      len(local), 0)
    return local + directory + end


def odt_with_mimetype_of(megabytes: int) -> bytes:
    """An OpenDocument text whose ``mimetype`` member unpacks to ``megabytes`` MB."""
    data, crc = deflated_zeros(megabytes)
    return raw_zip([("mimetype", data, 8, crc, megabytes * MB),
                    member("content.xml", b"<office:document-content/>")])


def docx_parts(body: Member) -> list[Member]:
    return [member("[Content_Types].xml", b"<Types/>"), body]


# ---------------------------------------------------------------------------- the refusals


def test_an_honest_odt_is_still_an_odt() -> None:
    data = raw_zip([member("mimetype", ODT.encode()), member("content.xml", b"<x/>")])
    assert policy_file_type(data, name="policy.odt") == ODT


def test_a_mimetype_member_of_300_mb_is_refused_from_the_directory() -> None:
    data = odt_with_mimetype_of(300)
    assert len(data) < 400_000
    with pytest.raises(DomainError) as refused:
        policy_file_type(data, name="policy.odt")
    assert refused.value.field == "file"
    assert "too large once unpacked (300 MB, more than 100 MB)" in refused.value.message


def test_a_few_hundred_bytes_claiming_gigabytes_are_refused() -> None:
    """The directory says 3 GB; nothing is unpacked to find out it lies."""
    name, data, method, crc, _ = member("word/document.xml", b"<w:document/>")
    claims = raw_zip(docx_parts((name, data, method, crc, 3 * 1024 * MB)))
    assert len(claims) < 1_000
    with pytest.raises(DomainError, match="too large once unpacked"):
        policy_file_type(claims, name="policy.docx")


def test_one_members_data_listed_many_times_is_refused() -> None:
    """Overlapping entries: 1 MB of zeros listed 200 times is 200 MB to unpack."""
    data, crc = deflated_zeros(1)
    overlapping = raw_zip([("word/document.xml", data, 8, crc, MB)], listed=200)
    assert len(overlapping) < 20_000
    with pytest.raises(DomainError, match="too large once unpacked"):
        policy_file_type(overlapping, name="policy.docx")


def test_too_many_members_are_refused() -> None:
    many = raw_zip([member("[Content_Types].xml", b"<Types/>")],
                   listed=uploads.ZIP_MAX_MEMBERS + 1)
    with pytest.raises(DomainError, match="5,001 parts, more than 5,000"):
        policy_file_type(many, name="policy.docx")


def test_a_member_packed_other_than_by_deflate_is_refused() -> None:
    name, data, _, crc, size = member("mimetype", ODT.encode())
    bzip2 = raw_zip([(name, data, 12, crc, size)])
    with pytest.raises(DomainError, match="damaged"):
        policy_file_type(bzip2, name="policy.odt")


@pytest.mark.django_db
def test_the_upload_page_refuses_the_bomb_on_its_file_field(personas, login) -> None:
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    response = login(personas.dpo).post(
        reverse("policies:version-create", args=[policy.public_id]),
        {"file": SimpleUploadedFile("policy.odt", odt_with_mimetype_of(300))})
    assert response.status_code == 200
    assert "too large once unpacked" in response.content.decode()
    assert not PolicyVersion.objects.exists()


# The upload's check, in a process whose address space is limited to 300 MB (as the worker's
# would be): unpacking the 300 MB member, as it was read before, cannot fit.
PROGRAM = r'''
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (300 << 20, 300 << 20))
import django
django.setup()
from schoolkeep.agreements.policies.services import policy_file_type
from schoolkeep.lib.errors import DomainError
data = open(sys.argv[1], "rb").read()
try:
    policy_file_type(data, name="policy.odt")
except DomainError as refused:
    print(refused.message)
'''


def test_the_check_stays_within_300_mb_of_address_space(tmp_path) -> None:
    bomb = tmp_path / "bomb.odt"
    bomb.write_bytes(odt_with_mimetype_of(300))
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(bomb)], cwd=REPO,
                          env=environment(tmp_path), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "too large once unpacked" in done.stdout


# ---------------------------------------------------------------------------- the command


def run_command(path: Path) -> None:
    call_command("import_policy", str(path), "--school", "oakfield", stdout=StringIO(),
                 stderr=StringIO())


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "text"), [
    ("phones.txt", policy_text(body="Pupils may bring a phone.\n<script>alert(1)</script>\n")),
    ("phones.txt", "<!DOCTYPE html>\n" + policy_text()),
    ("phones.html", policy_text()),  # a browser renders it as a page by its name
    ("phones.svg", policy_text()),
])
def test_the_command_refuses_a_web_page_or_a_script(personas, tmp_path, name, text) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run_command(path)
    message = str(refused.value)
    assert message.startswith(f"{path}: This file is a web page or a script")
    assert "\n" not in message  # one line
    assert refused.value.returncode == 1  # as the command's other refusals of a file
    assert not Policy.objects.exists()
