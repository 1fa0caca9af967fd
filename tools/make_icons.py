"""Draw the app icons of the installable app (core/static/core/icons/): the shield of the top
bar on the brand red, 192 and 512 pixels, and a maskable 512 whose shield stays inside the safe
zone (the middle 80%) that launchers crop to a circle or a rounded square.

    .venv/bin/python tools/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (179, 38, 30)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "core" / "static" / "core" / "icons"
# The shield of templates/base.html's logo, on its 24×24 grid.
SHIELD = [(12, 2), (4, 5), (4, 11), (5.2, 15.5), (8, 19.6), (12, 22), (16, 19.6), (18.8, 15.5), (20, 11), (20, 5)]
INNER = [(12, 6.2), (16, 7.7), (16, 11), (15, 14.8), (12, 18), (12, 6.2)]


def draw(size: int, scale: float, rounded: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BRAND)
    canvas = ImageDraw.Draw(image)
    if rounded:
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        canvas = ImageDraw.Draw(image)
        canvas.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BRAND)
    unit = size * scale / 24
    offset = (size - 24 * unit) / 2

    def place(points):
        return [(offset + x * unit, offset + y * unit) for x, y in points]

    canvas.polygon(place(SHIELD), fill=WHITE)
    canvas.polygon(place(INNER), fill=BRAND)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, 0.8, True).save(OUT / "icon-192.png", optimize=True)
    draw(512, 0.8, True).save(OUT / "icon-512.png", optimize=True)
    draw(512, 0.6, False).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
