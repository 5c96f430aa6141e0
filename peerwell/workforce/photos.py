"""Specialists' directory photos: checked, shrunk and re-encoded before they are stored.

Re-encoding with Pillow drops every metadata block a camera or phone writes (location,
device, time), which a person sharing a portrait does not mean to share, and proves the
file is an image and not something named like one.
"""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 480
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_from_upload(upload) -> ContentFile:
    """A JPEG of at most MAX_SIDE pixels a side, with no metadata, from an uploaded image."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is too large: up to 5 MB, please."))
    try:
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP photo."))
            # A small file can hold a huge flat image: refuse before decoding a pixel.
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The photo is too large: up to 40 megapixels, please."))
            image.thumbnail((MAX_SIDE, MAX_SIDE))  # shrinks while decoding where it can
            image = ImageOps.exif_transpose(image)  # keep it upright once EXIF is gone
            image = image.convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise ValidationError(_("This file is not a photo we can read.")) from error
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
