"""Issue 13, finding 6: an image with too many pixels (a small file that claims 20000×20000, a
"decompression bomb") is refused with a clear Vietnamese message wherever images are accepted,
and every image kept is re-encoded from its pixels."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bulletins.models import Bulletin
from canhgiac.testing import signed_in
from reports.models import Report


def claimed_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming width × height pixels, with a few bytes of pixels: what an
    attacker sends to make a server decode gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def upload(content: bytes, name: str = "anh.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def bulletin_post(client, world, attachment):
    return client.post(
        reverse("bulletins:compose"),
        {
            "title": "Cảnh giác trộm chó",
            "body": "<p>Khóa cổng ban đêm.</p>",
            "category": "other",
            "groups": [world.rg_group.pk],
            "attachments": [attachment],
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )


def report_post(client, world, photo):
    return client.post(
        reverse("reports:new"),
        {
            "category": "theft",
            "unit": world.rg.code,
            "description": "Mất trộm chó lúc 2 giờ sáng",
            "visibility": "anonymous",
            "secret": "ACDE-FHJK-MNPR",
            "idempotency_key": "photo-key",
            "photos": [photo],
        },
        HTTP_ACCEPT_LANGUAGE="vi",
    )


def test_a_20000_by_20000_png_bulletin_attachment_is_refused_in_vietnamese(world, client):
    response = bulletin_post(signed_in(client, world.officer), world, upload(claimed_png(20_000, 20_000)))
    assert response.status_code == 400
    assert "quá lớn: ảnh chỉ được tối đa 40 megapixel" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_a_144_megapixel_bulletin_attachment_is_refused_too(world, client):
    response = bulletin_post(signed_in(client, world.officer), world, upload(claimed_png(12_000, 12_000)))
    assert response.status_code == 400 and not Bulletin.objects.exists()


def test_a_bulletin_image_is_re_encoded_without_what_followed_its_pixels(world, client):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(buffer, "PNG")
    sent = buffer.getvalue() + b"<script>alert(1)</script>"
    response = bulletin_post(signed_in(client, world.officer), world, upload(sent))
    assert response.status_code == 302
    attachment = Bulletin.objects.get().attachments.get()
    kept = attachment.file.open("rb").read()
    assert kept != sent and b"<script>" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.size == (300, 200) and image.format == "PNG"


def test_a_bomb_as_a_report_photo_is_refused_in_vietnamese(world, client):
    response = report_post(client, world, upload(claimed_png(20_000, 20_000)))
    assert response.status_code == 400
    assert "quá lớn: ảnh chỉ được tối đa 40 megapixel" in response.content.decode()
    assert not Report.objects.exists()


def test_the_pixel_cap_is_a_setting(world, client, settings):
    settings.IMAGE_MAX_PIXELS = 50_000
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "red").save(buffer, "PNG")
    response = report_post(client, world, upload(buffer.getvalue()))
    assert response.status_code == 400 and "tối đa 0.05 megapixel" in response.content.decode()
    assert not Report.objects.exists()
