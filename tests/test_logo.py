"""Brand logos: SVG gradients and transparency."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest_pdf import qpdf_check
from PIL import Image
from reportlab.lib.units import mm
from test_render import BATCH, PDFTOPPM, SMALL, build

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection
from handouts.content.loader import Library

SVG = '<svg xmlns="http://www.w3.org/2000/svg" {size}>{body}</svg>'
SQUARE = 'viewBox="0 0 100 100"'
GRADIENT = SVG.format(
    size=SQUARE,
    body='<defs><linearGradient id="g"><stop offset="0" stop-color="#e33"/>'
    '<stop offset="1" stop-color="#36c"/></linearGradient></defs>'
    '<rect width="100" height="100" fill="url(#g)"/>',
)
THREE_STOPS_AND_RADIAL = SVG.format(  # colour functions that reportlab registers as it writes
    size=SQUARE,
    body='<defs><linearGradient id="g" x2="0" y2="1"><stop offset="0" stop-color="#e33"/>'
    '<stop offset=".5" stop-color="#fc0"/><stop offset="1" stop-color="#36c"/></linearGradient>'
    '<radialGradient id="r"><stop offset="0" stop-color="#fff"/><stop offset="1" '
    'stop-color="#0a0"/></radialGradient></defs><rect width="100" height="100" fill="url(#g)"/>'
    '<circle cx="50" cy="50" r="30" fill="url(#r)" fill-opacity="0.7"/>',
)
HALF_WHITE_ON_BLUE = SVG.format(
    size=SQUARE,
    body='<rect width="100" height="100" fill="#1F5F8B"/>'
    '<circle cx="50" cy="50" r="45" fill="#FFFFFF" fill-opacity="0.5"/>',
)
# The logo box in the header: 16 mm margin, 20 mm band, a 14 mm plate inset by 1.2 mm.
TILE_LEFT, TILE_TOP, TILE = 17.2 * mm, 4.2 * mm, 11.6 * mm


def brand_with(tmp_path: Path, logo_name: str, content: str | bytes | None = None) -> Path:
    logo = tmp_path / logo_name
    if isinstance(content, str):
        logo.write_text(content, encoding="utf-8")
    elif content is not None:
        logo.write_bytes(content)
    brand = tmp_path / "brand.yaml"
    brand.write_text(f"name: Logo Clinic\nlogo: {logo_name}\n", encoding="utf-8")
    return brand


def poppler(pdf: bytes, tmp_path: Path, *args: str) -> str:
    """Render with pdftoppm into ``tmp_path``; what it complains of (missing resources)."""
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    path = tmp_path / "logo.pdf"
    path.write_bytes(pdf)
    command = [PDFTOPPM, *args, "-png", path, tmp_path / "page"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stderr


def header_tile(pdf: bytes, tmp_path: Path) -> tuple[Image.Image, str]:
    """Page one's logo tile as poppler renders it at 72 dpi (1 px a point), and its stderr."""
    errors = poppler(pdf, tmp_path, "-r", "72", "-f", "1", "-l", "1", "-singlefile")
    page = Image.open(tmp_path / "page.png").convert("RGB")
    box = (TILE_LEFT, TILE_TOP, TILE_LEFT + TILE, TILE_TOP + TILE)
    return page.crop(tuple(round(side) for side in box)), errors


# -- SVG gradients and transparency ---------------------------------------------------


def test_a_gradient_svg_logo_paints_its_gradient(library: Library, tmp_path: Path) -> None:
    brand = brand_with(tmp_path, "gradient.svg", GRADIENT)
    pdf = build(Builder(library), SMALL, brand_file=brand).pdf
    tile, errors = header_tile(pdf, tmp_path)
    assert errors == ""  # poppler found every resource ("ExtGState 'Sh0' is unknown" before)
    left, right = (tile.getpixel((x, tile.height // 2)) for x in (2, tile.width - 3))
    assert left[0] > 180 and left[2] < 120  # red, not black
    assert right[2] > 150 and right[0] < 120  # blue
    qpdf_check(pdf, tmp_path)


def test_a_semi_transparent_svg_logo_prints_half_white(library: Library, tmp_path: Path) -> None:
    brand = brand_with(tmp_path, "half.svg", HALF_WHITE_ON_BLUE)
    pdf = build(Builder(library), SMALL, brand_file=brand).pdf
    tile, errors = header_tile(pdf, tmp_path)
    assert errors == ""
    red, green, blue = tile.getpixel((tile.width // 2, tile.height // 2))
    # Half of white over #1F5F8B is about (143, 175, 197); solid white was the bug.
    assert 120 < red < 170 and 150 < green < 200 and blue < 225


def test_a_gradient_logo_in_a_batch_gives_the_bytes_of_a_build_alone(
    library: Library, tmp_path: Path
) -> None:
    brand = brand_with(tmp_path, "gradients.svg", THREE_STOPS_AND_RADIAL)
    batch = Builder(library)
    in_batch = [build(batch, Selection(DEFAULT_PROGRAMME), p, brand_file=brand) for p in BATCH[:2]]
    alone = build(Builder(library), Selection(DEFAULT_PROGRAMME), BATCH[1], brand_file=brand)
    assert in_batch[1].pdf == alone.pdf
    assert alone.landscape_pages()  # the landscape header draws the logo too
    qpdf_check(alone.pdf, tmp_path)
    assert poppler(alone.pdf, tmp_path, "-r", "10") == ""  # every page, portrait and landscape


def test_a_plain_svg_logo_is_drawn_straight_into_the_header(library: Library) -> None:
    page = build(Builder(library), SMALL).reader.pages[0]  # the demo brand's logo
    forms = [ref.get_object() for ref in page["/Resources"]["/XObject"].values()]
    assert not any(form["/Resources"].get("/XObject") for form in forms)
    # No form of its own when the logo needs none: the demo brand's bytes stay as they were.
