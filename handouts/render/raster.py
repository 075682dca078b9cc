"""Raster images (logos, exercise photos) stored at the resolution print needs.

A phone photo embedded as it is made a handout megabytes for a picture a few
centimetres wide: each image is stored at most at PRINT_DPI of the size it is
drawn, once per process. ``image_problem`` lets ``check`` report an unreadable
exercise image in the words the build uses.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow and reportlab load only when an image is drawn: ``check`` stays quick
    from PIL import Image
    from reportlab.lib.utils import ImageReader

PRINT_DPI = 300  # a raster keeps at most this many pixels per inch at the size it is drawn
UNREADABLE_IMAGE = (
    "cannot read the image (not a PNG or JPEG, or damaged); export it again as PNG or JPEG"
)


class UnreadableImage(Exception):  # noqa: N818 - its text is the problem, for the user
    """The file is missing, or not an image Pillow and reportlab can read."""


def _unreadable(path: Path, error: Exception | None = None) -> UnreadableImage:
    from PIL import Image

    too_big = isinstance(error, (Image.DecompressionBombWarning, Image.DecompressionBombError))
    return UnreadableImage(f"image {path}: {TOO_MANY_PIXELS if too_big else UNREADABLE_IMAGE}")


def image_problem(path: Path) -> str | None:
    """What would stop an exercise image printing, as one line for the user, or None.

    Reads the file's structure, not its pixels: cheap enough for ``check``. The
    build's error for the exercise ends with the same line.
    """
    try:
        pixel_size(path)
    except UnreadableImage as error:
        return str(error)
    return None


def pixel_size(path: Path) -> tuple[int, int]:
    """The image's width and height in pixels; ``UnreadableImage`` if it is not one."""
    from PIL import Image

    if not path.is_file():
        raise UnreadableImage(f"image {path}: file not found")
    try:
        with pixel_limit(), Image.open(path) as image:
            image.verify()  # reads every PNG chunk and its checksum; decodes no pixels
            return image.size
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds, their text shows internals
        raise _unreadable(path, error) from None


def print_pixels(size: tuple[float, float], scale: float) -> tuple[int, int] | None:
    """The pixels worth storing of an image ``size`` pixels drawn at ``scale`` points per pixel;
    None if the file has no more than that."""
    kept = scale * PRINT_DPI / 72  # stored pixels per pixel of the file
    if kept >= 1:
        return None
    return max(1, math.ceil(size[0] * kept)), max(1, math.ceil(size[1] * kept))


@cache
def print_image(path: Path, pixels: tuple[int, int] | None) -> ImageReader:
    """What the PDF stores: the file as it is, or resampled to ``pixels``; once per process.

    Raises ``UnreadableImage`` for a damaged file, before anything is drawn.
    """
    from reportlab.lib.utils import ImageReader

    try:
        with pixel_limit():
            image = ImageReader(_stored(path, pixels))
            image.getRGBData()  # decode now: a damaged file fails here, not halfway through a page
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds, reportlab adds internals
        raise _unreadable(path, error) from None
    return image


def _stored(path: Path, pixels: tuple[int, int] | None) -> str | Image.Image | io.BytesIO:
    """The file's path when it can go in as it is; else the image in 8 bits at ``pixels``,
    transparency kept, and a JPEG as JPEG bytes, which PDF stores as they are."""
    from PIL import Image

    with Image.open(path) as image:
        wide = _sixteen_bit(image)
        if pixels is None and not wide:
            return str(path)
        if image.format == "JPEG" and pixels is not None:
            image.draft("RGB", pixels)  # decode at a fraction of the size: a photo loads faster
            small = image.convert("L" if image.mode == "L" else "RGB")
            out = io.BytesIO()
            small.resize(pixels, Image.Resampling.LANCZOS).save(out, "JPEG", quality=90)
            return out
        ready = _resamplable(_eight_bit(image) if wide else image)
        return ready if pixels is None else ready.resize(pixels, Image.Resampling.LANCZOS)


def _sixteen_bit(image: Image.Image) -> bool:
    """A 16-bit greyscale PNG opens as an "I" mode, which converts to RGB clipped: all white."""
    return image.mode.startswith("I")


def _eight_bit(image: Image.Image) -> Image.Image:
    """Greyscale of 16 bits as 8 bits, scaled rather than clipped."""
    return image.convert("I").point(lambda value: value / 256).convert("L")


def _resamplable(image: Image.Image) -> Image.Image:
    """The image in a mode Pillow resamples with its alpha and reportlab can store."""
    if image.mode in ("L", "LA", "RGB", "RGBA") and "transparency" not in image.info:
        return image
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


MAX_PIXELS = 40_000_000  # a 6,300 px square; a logo or an exercise photo needs far fewer
TOO_MANY_PIXELS = (
    f"the image has more than {MAX_PIXELS // 1_000_000} million pixels;"
    " save it smaller (a logo or photo needs at most 2,000 pixels a side)"
)


@contextmanager
def pixel_limit() -> Iterator[None]:
    """Pillow refuses images past MAX_PIXELS while this holds, as an error, not a warning.

    Pillow only warns up to twice its own limit and decodes a 13,300 px square PNG
    into gigabytes; the warning went to the user's terminal as it was.
    """
    import warnings

    from PIL import Image

    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # above it Pillow warns (an error here); at 2× it raises
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous
