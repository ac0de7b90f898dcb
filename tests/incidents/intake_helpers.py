"""Shared builders for the intake tests: form data and photo files."""

import io
import uuid
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image


def report_data(**overrides) -> dict:
    occurred = timezone.localtime() - timedelta(hours=1)
    data = {
        "client_uuid": str(uuid.uuid4()),
        "incident_type": "injury_illness",
        "narrative": "Lifting a full green bin onto the truck, felt a sharp pain in my lower back.",
        "location_text": "Lopez Canyon yard, bay 3",
        "latitude": "",
        "longitude": "",
        "occurred_date": occurred.date().isoformat(),
        "occurred_time": occurred.strftime("%H:%M"),
        "body_part": "Lower back",
        "injury_kind": "Strain",
        "treatment": "first_aid",
        "involved_people": "Sam Ortiz saw it.",
    }
    data.update(overrides)
    return data


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=None) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif is not None:
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="JPEG")
    return buffer.getvalue()


def photo_file(name="photo.jpg", content=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type)
