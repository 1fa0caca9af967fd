"""Attachments are checked by what they contain, not by their name or the browser's claim. Images
are capped in pixels and re-encoded (core/images.py); PDFs are kept as sent."""

from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.errors import ActionError
from core.images import image_format, reencode

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "MPO"}
MAX_FILES = 5
# Bulletins are read on phones: a larger side only costs data.
MAX_SIDE = 2048


@dataclass
class Inspected:
    kind: str
    content_type: str
    file: File


def inspect(upload: UploadedFile) -> Inspected:
    """An image (re-encoded) or a PDF (as sent), or a refusal with a reason the user understands."""
    name = upload.name or "file"
    size = upload.size or 0
    if size > settings.BULLETIN_ATTACHMENT_MAX_BYTES:
        raise ActionError(
            _("“%(name)s” is too large (at most %(mb)s MB)."),
            code="size",
            params={"name": name, "mb": settings.BULLETIN_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if data.startswith(b"%PDF-"):
        return Inspected("pdf", "application/pdf", upload)
    found = image_format(data, name)
    if found in IMAGE_FORMATS:
        image = reencode(data, name, max_side=MAX_SIDE, lossless=found in {"PNG", "GIF"})
        return Inspected("image", image.content_type, ContentFile(image.content, name=f"image.{image.extension}"))
    raise ActionError(
        _("“%(name)s” is not an image (JPEG, PNG, GIF, WebP) or a PDF."), code="type", params={"name": name}
    )
