"""Images people upload (report photos, bulletin attachments): read by content, capped in pixels,
decoded and re-encoded from their pixels (docs/security.md, finding 6).

The pixel count is read from the file's header before anything is decoded, so a small PNG that
claims 20000×20000 pixels (a "decompression bomb") is refused with a clear message instead of
filling the memory; re-encoding drops every metadata block (a phone photo's GPS position) and
anything hidden after the pixels.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import ActionError


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def unreadable(name: str) -> ActionError:
    return ActionError(_("“%(name)s” is not an image we can read."), code="not_an_image", params={"name": name})


def too_many_pixels(name: str) -> ActionError:
    return ActionError(
        _("“%(name)s” is too large: an image may have at most %(megapixels)s megapixels."),
        code="image_too_big",
        params={"name": name, "megapixels": f"{settings.IMAGE_MAX_PIXELS / 1_000_000:g}"},
    )


def image_format(data: bytes, name: str) -> str:
    """The format of an image from its header ("" when it is not an image), refused when it has
    more pixels than IMAGE_MAX_PIXELS. Nothing is decoded."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            found = probe.format or ""
    except Image.DecompressionBombError:
        raise too_many_pixels(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return ""
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise too_many_pixels(name)
    return found


def reencode(data: bytes, name: str, *, max_side: int, lossless: bool = False) -> CleanImage:
    """Decode an image whose format `image_format` accepted and encode it again: turned upright,
    at most `max_side` pixels a side, as JPEG, or as PNG when `lossless` (a poster or a screenshot
    sent as PNG keeps its sharp text and its transparency)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = ImageOps.exif_transpose(image)
            transparent = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            upright = upright.convert("RGBA" if lossless and transparent else "RGB")
            upright.thumbnail((max_side, max_side))
            out = io.BytesIO()
            if lossless:
                upright.save(out, format="PNG", optimize=True)
            else:
                upright.save(out, format="JPEG", quality=82, optimize=True)
    except Image.DecompressionBombError:
        raise too_many_pixels(name) from None
    except (OSError, SyntaxError, ValueError):
        raise unreadable(name) from None
    content_type, extension = ("image/png", "png") if lossless else ("image/jpeg", "jpg")
    return CleanImage(out.getvalue(), content_type, extension, *upright.size)
