"""Hostile uploads on the report forms: refused by name with a reason, and nothing of them kept.

An image with an archive glued on may be kept only as a fresh re-encoding without the archive.
"""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from incidents.models import Attachment, Incident
from incidents.photos import MAX_PHOTO_BYTES
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role
from tests.hardening.helpers import FUZZ_FEW, assert_no_traceback, shows
from tests.incidents.intake_helpers import jpeg_bytes, report_data

pytestmark = pytest.mark.django_db

ZIP_MAGIC = b"PK\x03\x04"


def _png(size=(32, 24), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else (10, 120, 200, 128)).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "#!/bin/sh\necho owned\n")
        archive.writestr("index.html", "<script>alert(document.cookie)</script>")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def _png_bomb(width=30_000, height=30_000) -> bytes:
    """A few hundred bytes of PNG that declare width x height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def _stored_files() -> set[str]:
    found: set[str] = set()

    def walk(folder: str) -> None:
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        for name in files:
            found.add(f"{folder}/{name}" if folder else name)
        for sub in folders:
            walk(f"{folder}/{sub}" if folder else sub)

    walk("")
    return found


REFUSED = {
    "not-a-photo.jpg": (b"#!/bin/sh\nrm -rf /\n" * 10, "image/jpeg"),
    "cut-off.jpg": (jpeg_bytes(size=(400, 300))[:700], "image/jpeg"),
    "bomb.png": (_png_bomb(), "image/png"),
    "drawing.svg": (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>",
        "image/svg+xml",
    ),
    "svg-named.png": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        "image/png",
    ),
    "archive-with-png-header.png": (b"\x89PNG\r\n\x1a\n" + _zip(), "image/png"),
    "archive.jpg": (_zip(), "image/jpeg"),
    "empty.jpg": (b"", "image/jpeg"),
}
POLYGLOTS = {
    "holiday.jpg": (jpeg_bytes(size=(120, 90)) + _zip(), "image/jpeg"),
    "sign.png": (_png() + _zip(), "image/png"),
    "sign-alpha.png": (_png(mode="RGBA") + _zip(), "image/png"),
}


@pytest.fixture
def employee():
    return user_with_role(Role.EMPLOYEE, department=DepartmentFactory())


def _send(client, url: str, data: dict, uploads: dict) -> tuple:
    files = [
        SimpleUploadedFile(name, content, content_type)
        for name, (content, content_type) in uploads.items()
    ]
    before = _stored_files()
    response = client.post(url, {**data, "photos": files})
    assert_no_traceback(response.content)
    return response, _stored_files() - before


def _form_data(anonymous: bool) -> dict:
    if not anonymous:
        return report_data()
    data = report_data(department=str(DepartmentFactory().pk))
    for name in ("incident_type", "body_part", "injury_kind", "treatment", "involved_people"):
        data.pop(name)
    return data


@pytest.mark.parametrize("anonymous", [False, True], ids=["signed-in", "anonymous"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_it_refuses_a_hostile_upload_by_name_and_keeps_nothing_of_it(
    client, employee, anonymous, name
):
    if not anonymous:
        client.force_login(employee)
    url = "/report/anonymous/" if anonymous else "/report/"
    response, new_files = _send(client, url, _form_data(anonymous), {name: REFUSED[name]})
    assert response.status_code == 200
    incident = Incident.objects.get()
    assert not Attachment.objects.filter(incident=incident).exists()
    assert new_files == set()
    refused = response.context["refused"]
    assert [photo.name for photo in refused] == [name]
    assert shows(response, name)
    assert shows(response, refused[0].reason)
    assert "not attached" in response.content.decode()


def test_it_refuses_a_file_over_10_mb_by_name(client, employee):
    client.force_login(employee)
    big = jpeg_bytes(size=(64, 48))
    big += b"\x00" * (MAX_PHOTO_BYTES + 1 - len(big))
    response, new_files = _send(
        client, "/report/", report_data(), {"huge.jpg": (big, "image/jpeg")}
    )
    assert response.status_code == 200
    assert not Attachment.objects.exists()
    assert new_files == set()
    assert shows(response, "huge.jpg")
    assert shows(response, "larger than 10 MB")


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_it_keeps_only_a_fresh_picture_of_an_image_with_an_archive_glued_on(client, employee, name):
    client.force_login(employee)
    upload, content_type = POLYGLOTS[name]
    assert zipfile.is_zipfile(io.BytesIO(upload))
    response, new_files = _send(client, "/report/", report_data(), {name: POLYGLOTS[name]})
    assert response.status_code == 200
    assert response.context["refused"] == []
    attachment = Attachment.objects.get()
    assert len(new_files) == 1
    with default_storage.open(attachment.file.name, "rb") as handle:
        stored = handle.read()
    assert ZIP_MAGIC not in stored
    assert b"payload.sh" not in stored
    assert stored != upload
    assert not zipfile.is_zipfile(io.BytesIO(stored))
    Image.open(io.BytesIO(stored)).verify()


def test_it_keeps_the_good_photo_and_refuses_the_bad_ones_of_one_report(client, employee):
    client.force_login(employee)
    uploads = {
        "good.jpg": (jpeg_bytes(), "image/jpeg"),
        "bomb.png": REFUSED["bomb.png"],
        "drawing.svg": REFUSED["drawing.svg"],
    }
    response, new_files = _send(client, "/report/", report_data(), uploads)
    assert response.status_code == 200
    assert Attachment.objects.count() == 1
    assert len(new_files) == 1
    assert sorted(photo.name for photo in response.context["refused"]) == [
        "bomb.png",
        "drawing.svg",
    ]


@FUZZ_FEW
@given(
    content=st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=200).map(lambda tail: b"\xff\xd8\xff\xe0" + tail),
        st.binary(max_size=200).map(lambda tail: b"\x89PNG\r\n\x1a\n" + tail),
        st.binary(max_size=200).map(lambda tail: b"GIF89a" + tail),
        st.integers(min_value=1, max_value=5000).map(lambda cut: jpeg_bytes()[:cut]),
    ),
    name=st.text(max_size=30).map(lambda stem: f"p{stem}.jpg"),
)
def test_it_never_keeps_bytes_that_are_not_a_whole_picture(client, employee, content, name):
    client.force_login(employee)
    attachments = Attachment.objects.count()
    response, new_files = _send(client, "/report/", report_data(), {name: (content, "image/jpeg")})
    assert response.status_code == 200
    refused = response.context["refused"]
    if refused:
        assert Attachment.objects.count() == attachments
        assert new_files == set()
        assert refused[0].reason
    else:
        assert Attachment.objects.count() == attachments + 1
        stored = Attachment.objects.latest("pk")
        with default_storage.open(stored.file.name, "rb") as handle:
            Image.open(io.BytesIO(handle.read())).verify()
