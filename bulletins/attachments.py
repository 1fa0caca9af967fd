"""Attachments are checked by what they contain, not by their name or the browser's claim."""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import ActionError

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_FILES = 5


def inspect(upload: UploadedFile) -> tuple[str, str]:
    """Return (kind, content type) of an image or PDF, or refuse with a reason the user understands."""
    size = upload.size or 0
    if size > settings.BULLETIN_ATTACHMENT_MAX_BYTES:
        raise ActionError(
            _("“%(name)s” is too large (at most %(mb)s MB)."),
            code="size",
            params={"name": upload.name, "mb": settings.BULLETIN_ATTACHMENT_MAX_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    try:
        data = upload.read()
        upload.seek(0)
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            image_format = image.format or ""
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        image_format = ""
    if image_format in IMAGE_FORMATS:
        return "image", IMAGE_FORMATS[image_format]
    raise ActionError(
        _("“%(name)s” is not an image (JPEG, PNG, GIF, WebP) or a PDF."), code="type", params={"name": upload.name}
    )
