"""Draws the app icons in static/icons/ (run once by hand when the design changes; needs Pillow
and the Noto CJK font: `pip install pillow`, `apt-get install fonts-noto-cjk`)."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
BLUE = (11, 83, 148)
WHITE = (255, 255, 255)


def draw(size: int, maskable: bool) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    d = ImageDraw.Draw(image)
    # Maskable icons keep their content inside the central 80 % "safe zone".
    scale = 0.5 if maskable else 0.62
    font = ImageFont.truetype(FONT, int(size * scale), index=0)
    d.text((size / 2, size / 2), "支", font=font, fill=WHITE, anchor="mm")
    if not maskable:
        radius = size // 6
        mask = Image.new("L", (size, size), 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, size - 1, size - 1), radius, fill=255)
        rounded = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        rounded.paste(image, (0, 0), mask)
        return rounded
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, True).save(OUT / "icon-maskable-512.png", optimize=True)
