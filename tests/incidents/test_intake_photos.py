"""Photos: decoded, re-encoded without metadata, refused by name when bad, served with a check."""

import hashlib
import io
import zipfile

import pytest
from PIL import Image

from incidents.models import Attachment, Incident, PrivacyCaseView
from incidents.photos import MAX_SIDE_PX, PhotoRefused, photo_verify
from incidents.triage_services import incident_merge
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role
from tests.incidents.intake_helpers import jpeg_bytes, photo_file, report_data

REPORT_URL = "/report/"


def _exif_with_gps_and_rotation() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display.
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (34.0, 3.0, 8.0), "W", (118.0, 14.0, 37.0)
    return exif


def test_it_strips_exif_and_gps_and_turns_the_photo_upright():
    original = jpeg_bytes(size=(80, 40), exif=_exif_with_gps_and_rotation())
    assert b"PhoneMaker" in original
    photo = photo_verify(photo_file(content=original))
    stored = Image.open(io.BytesIO(photo.content))
    assert not stored.getexif()
    assert b"PhoneMaker" not in photo.content
    assert b"Exif" not in photo.content
    assert (stored.width, stored.height) == (40, 80)
    assert photo.content_type == "image/jpeg"
    assert photo.sha256 == hashlib.sha256(photo.content).hexdigest()


def test_it_caps_the_dimensions():
    photo = photo_verify(photo_file(content=jpeg_bytes(size=(4000, 3000))))
    assert max(photo.width, photo.height) == MAX_SIDE_PX


def test_it_drops_a_zip_glued_to_an_image():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.sh", "echo owned")
    polyglot = jpeg_bytes() + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    photo = photo_verify(photo_file(content=polyglot))
    assert not zipfile.is_zipfile(io.BytesIO(photo.content))
    assert b"payload.sh" not in photo.content


def test_it_keeps_transparency_as_png():
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 0, 0)).save(buffer, format="PNG")
    photo = photo_verify(photo_file("sign.png", buffer.getvalue(), "image/png"))
    assert photo.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.jpg", b"#!/bin/sh\necho this is not a picture\n"),
        ("cut-off.jpg", jpeg_bytes(size=(400, 300))[:600]),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        ),
        ("empty.jpg", b""),
    ],
)
def test_it_refuses_what_is_not_a_whole_photo(name, content):
    with pytest.raises(PhotoRefused) as refusal:
        photo_verify(photo_file(name, content))
    assert refusal.value.name == name


def test_it_refuses_a_decompression_bomb():
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, format="PNG")  # 60 MP in a few kilobytes.
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(PhotoRefused, match="too large to open safely"):
        photo_verify(photo_file("bomb.png", buffer.getvalue(), "image/png"))


def test_it_refuses_a_file_over_ten_megabytes():
    with pytest.raises(PhotoRefused, match="larger than 10 MB"):
        photo_verify(photo_file("huge.jpg", b"\xff" * (10 * 1024 * 1024 + 1)))


@pytest.mark.django_db
def test_it_saves_the_report_and_names_the_refused_photo(client):
    client.force_login(user_with_role(Role.EMPLOYEE))
    data = report_data()
    data["photos"] = [photo_file("good.jpg"), photo_file("IMG_0042.jpg", b"not a photo")]
    response = client.post(REPORT_URL, data)
    page = response.content.decode()
    incident = Incident.objects.get()
    assert incident.attachments.count() == 1
    assert "IMG_0042.jpg" in page
    assert "not a photo we can read" in page
    attachment = incident.attachments.get()
    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(attachment.file.read())
    attachment.file.seek(0)
    assert attachment.sha256 == hashlib.sha256(attachment.file.read()).hexdigest()
    assert "good" not in attachment.file.name


@pytest.fixture
def stored_photo(client):
    department = DepartmentFactory()
    reporter = user_with_role(Role.EMPLOYEE, department=department)
    client.force_login(reporter)
    data = report_data()
    data["photos"] = [photo_file()]
    client.post(REPORT_URL, data)
    client.logout()
    return reporter, department, Attachment.objects.get()


@pytest.mark.django_db
def test_it_serves_photos_only_to_those_who_may_see_the_case(client, stored_photo):
    reporter, department, attachment = stored_photo
    url = f"/photos/{attachment.pk}/"
    allowed = [
        reporter,
        user_with_role(Role.SAFETY_OFFICER, covers=(department,)),
        user_with_role(Role.RISK_MANAGER),
    ]
    refused = [
        user_with_role(Role.EMPLOYEE, department=department),
        user_with_role(Role.SAFETY_OFFICER, covers=(DepartmentFactory(),)),
        user_with_role(Role.CABINET_MEMBER),
    ]
    assert client.get(url).status_code == 302
    for user in allowed:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    for user in refused:
        client.force_login(user)
        assert client.get(url).status_code == 404, user


@pytest.mark.django_db
def test_a_report_merged_into_anothers_keeps_its_photo_from_the_other_reporter(
    client, stored_photo
):
    sender, department, attachment = stored_photo
    other_reporter = user_with_role(Role.EMPLOYEE, department=department)
    client.force_login(other_reporter)
    client.post(REPORT_URL, report_data())
    theirs = Incident.objects.get(reporter=other_reporter)
    incident_merge(source=attachment.incident, target=theirs)
    url = f"/photos/{attachment.pk}/"

    assert client.get(url).status_code == 404  # Now on their case, but not theirs to see.
    client.force_login(sender)
    assert client.get(url).status_code == 200  # Whoever sent it still may.


@pytest.mark.django_db
def test_a_privacy_cases_photo_opened_by_itself_is_logged_as_a_view(client, stored_photo):
    sender, department, attachment = stored_photo
    incident = attachment.incident
    incident.privacy_case = True
    incident.save()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,))
    url = f"/photos/{attachment.pk}/"

    client.force_login(sender)
    assert client.get(url).status_code == 200
    assert not PrivacyCaseView.objects.exists()  # Whoever sent it is not reading the case.
    client.force_login(officer)
    assert client.get(url).status_code == 200
    view = PrivacyCaseView.objects.get()
    assert (view.incident, view.user, view.path) == (incident, officer, url)


def test_it_never_stores_photos_under_public_media(settings):
    # Photos live in the default storage but no URL pattern serves MEDIA_URL.
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "photos/2026/01/x.jpg")
