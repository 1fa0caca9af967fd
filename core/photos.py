"""Photo uploads: checked by content, capped in size, pixels (IMAGE_MAX_PIXELS) and count,
re-encoded, EXIF stripped (core/images.py).

One set of checks for every photo people send: report photos (reports) and photos on group
posts and replies (bulletins).

A phone photo carries the GPS position of where it was taken; re-encoding from pixels drops
every metadata block, so a photo cannot leak where the reporter lives (docs/reports.md).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.errors import ActionError
from core.images import image_format, reencode

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
MAX_SIDE = 2048


@dataclass
class CleanPhoto:
    content: ContentFile
    width: int
    height: int


def clean_photos(files) -> list[CleanPhoto]:
    """Validate and re-encode every upload; raise ActionError before anything is stored."""
    files = [f for f in files if f]
    if len(files) > settings.REPORT_MAX_PHOTOS:
        raise ActionError(
            _("Attach at most %(count)d photos.") % {"count": settings.REPORT_MAX_PHOTOS}, code="too_many_photos"
        )
    return [clean_photo(f) for f in files]


def clean_photo(upload) -> CleanPhoto:
    name = getattr(upload, "name", "") or _("photo")
    if upload.size > settings.REPORT_MAX_PHOTO_BYTES:
        raise ActionError(
            _("%(name)s is too large: photos may be at most %(mb)d MB.")
            % {"name": name, "mb": settings.REPORT_MAX_PHOTO_BYTES // (1024 * 1024)},
            code="photo_too_large",
        )
    data = upload.read()
    found = image_format(data, name)
    if not found:
        raise ActionError(_("%(name)s is not a photo we can read.") % {"name": name}, code="not_an_image")
    if found not in ACCEPTED_FORMATS:
        raise ActionError(_("%(name)s: send photos as JPEG, PNG or WebP.") % {"name": name}, code="image_format")
    image = reencode(data, name, max_side=MAX_SIDE)
    return CleanPhoto(content=ContentFile(image.content, name="photo.jpg"), width=image.width, height=image.height)
