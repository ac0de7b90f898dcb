"""Photo verification: decode every upload with Pillow and keep only a fresh re-encoding.

A phone photo carries EXIF (often GPS coordinates of the employee's home or car), and an upload
may not be a photo at all: a script renamed .jpg, an SVG, a truncated file, a decompression bomb,
or an image with a ZIP archive glued to its end. Decoding the pixels and encoding them again
leaves nothing but the picture.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS_PER_REPORT = 5
MAX_SIDE_PX = 2560
# Phones save up to about 50 megapixels; more than that is refused as a possible bomb.
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
JPEG_QUALITY = 85

# Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; the warning is turned into an
# error in `photo_verify`, so the effective limit is MAX_PIXELS.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# A truncated file must fail to load, never be padded with grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False


class PhotoRefused(Exception):
    """An upload that is not a photo we can keep; `reason` is shown to the employee."""

    def __init__(self, name: str, reason) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class VerifiedPhoto:
    original_name: str
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def size(self) -> int:
        return len(self.content)


def photo_verify(upload: UploadedFile) -> VerifiedPhoto:
    """Decode, check and re-encode one uploaded photo, or raise PhotoRefused."""
    name = (upload.name or "photo")[:120]
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise PhotoRefused(name, _("it is larger than 10 MB"))
    raw = upload.read(MAX_PHOTO_BYTES + 1)
    if len(raw) > MAX_PHOTO_BYTES:
        raise PhotoRefused(name, _("it is larger than 10 MB"))
    if not raw:
        raise PhotoRefused(name, _("the file is empty"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS) as probe:
                probe.verify()
            with Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS) as image:
                image.load()
                picture = _normalised(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused(name, _("the picture is too large to open safely")) from error
    except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError) as error:
        raise PhotoRefused(
            name, _("it is not a photo we can read (JPEG, PNG, WebP or GIF)")
        ) from error
    return _encoded(name, picture)


def _normalised(image: Image.Image) -> Image.Image:
    # The first frame only (animated GIF/WebP), turned upright, at most MAX_SIDE_PX on a side.
    image.seek(0)
    upright = ImageOps.exif_transpose(image) or image
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    )
    picture = upright.convert("RGBA" if has_alpha else "RGB")
    picture.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), Image.Resampling.LANCZOS)
    # Pillow carries some metadata (ICC profile, EXIF bytes) in `info` into PNG files: drop it.
    picture.info = {}
    return picture


def _encoded(name: str, picture: Image.Image) -> VerifiedPhoto:
    # A fresh image with no info dictionary: no EXIF, no XMP, no ICC profile, no comments.
    buffer = io.BytesIO()
    if picture.mode == "RGBA":
        picture.save(buffer, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    return VerifiedPhoto(
        original_name=name,
        content=buffer.getvalue(),
        content_type=content_type,
        extension=extension,
        width=picture.width,
        height=picture.height,
    )
