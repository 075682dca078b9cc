"""Brand logos: SVG gradients and transparency, big photos, and files ``check`` must refuse."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest_pdf import qpdf_check
from handout_pdf import BATCH, PDFTOPPM, SMALL, build
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.units import mm

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.cli.app import main
from handouts.compose import Options, Selection
from handouts.content.library import Library
from handouts.errors import HandoutsError
from handouts.render import raster
from handouts.render.logo import logo_problem
from handouts.render.raster import image_problem

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
# The logo box in the header: 16 mm margin, 20 mm band, a 13.2 mm plate inset by 1.2 mm,
# 5 mm from the top edge of the paper.
TILE_LEFT, TILE_TOP, TILE = 17.2 * mm, 5 * mm, 10.8 * mm
MAX_PIXELS = 128  # 10.8 mm at 300 dpi, rounded up


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


def images(pdf: bytes) -> list:
    """The image XObjects the pages draw, inside form XObjects too; each once."""
    found: dict[int, object] = {}

    def visit(resources) -> None:  # noqa: ANN001 - a pypdf dictionary
        for ref in (resources or {}).get("/XObject", {}).values():
            xobject = ref.get_object()
            if xobject["/Subtype"] == "/Image":
                found[ref.idnum] = xobject
            else:
                visit(xobject.get("/Resources"))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        visit(page.get("/Resources"))
    return list(found.values())


def photo(width: int, height: int, *, alpha: bool = False) -> Image.Image:
    """Noise over a gradient: compresses as badly as a photograph."""
    noise = Image.effect_noise((width, height), 60).convert("L")
    ramp = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (noise, ramp, noise.point(lambda v: 255 - v)))
    if alpha:
        mask = Image.new("L", (width, height), 0)
        ImageDraw.Draw(mask).ellipse((0, 0, width - 1, height - 1), fill=255)
        image.putalpha(mask)
    return image


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
    qpdf_check(alone.pdf, tmp_path)
    assert poppler(alone.pdf, tmp_path, "-r", "10") == ""  # every page draws


def test_a_plain_svg_logo_is_drawn_straight_into_the_header(library: Library) -> None:
    page = build(Builder(library), SMALL).reader.pages[0]  # the demo brand's logo
    forms = [ref.get_object() for ref in page["/Resources"]["/XObject"].values()]
    assert not any(form["/Resources"].get("/XObject") for form in forms)
    # No form of its own when the logo needs none: the demo brand's bytes stay as they were.


# -- raster logos -------------------------------------------------------------------


def test_a_big_png_logo_is_stored_at_300_dpi_once_per_process(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo(3000, 3000, alpha=True).save(tmp_path / "photo.png", compress_level=1)
    brand = brand_with(tmp_path, "photo.png")
    resampled = []
    resample = raster._stored
    monkeypatch.setattr(raster, "_stored", lambda *a: resampled.append(a) or resample(*a))
    builder = Builder(library)
    plain = build(builder, SMALL, brand_file=brand)
    large = build(builder, SMALL, brand_file=brand, options=Options(large_print=True))
    build(builder, Selection(DEFAULT_PROGRAMME), brand_file=brand)
    assert len(resampled) == 1  # one resampling serves every handout of the process
    for built in (plain, large):
        assert len(built.pdf) < 200_000  # 12 MB when the photo went in whole
        (image,) = images(built.pdf)
        assert image["/Width"] == image["/Height"] <= MAX_PIXELS
        mask = image["/SMask"].get_object()  # the transparency is kept, at the same size
        assert (mask["/Width"], mask["/ColorSpace"]) == (image["/Width"], "/DeviceGray")
        qpdf_check(built.pdf, tmp_path)


def test_a_big_jpeg_logo_is_stored_as_a_smaller_jpeg(library: Library, tmp_path: Path) -> None:
    photo(4000, 3000).save(tmp_path / "photo.jpg", quality=90)
    brand = brand_with(tmp_path, "photo.jpg")
    pdf = build(Builder(library), SMALL, brand_file=brand).pdf
    (image,) = images(pdf)
    assert image["/Filter"] == ["/DCTDecode"]
    # A 4:3 logo gets a tile wider than square: 300 dpi at its height sets the size.
    assert image["/Height"] == MAX_PIXELS and abs(image["/Width"] - MAX_PIXELS * 4 / 3) <= 1
    assert len(pdf) < 100_000
    tile, errors = header_tile(pdf, tmp_path)
    assert errors == ""
    assert tile.getpixel((tile.width // 2, tile.height - 4))[1] > 180  # the ramp's light end


def test_a_small_png_logo_is_stored_as_it_is(library: Library, tmp_path: Path) -> None:
    Image.new("RGB", (120, 40), (200, 30, 30)).save(tmp_path / "small.png")
    brand = brand_with(tmp_path, "small.png")
    pdf = build(Builder(library), SMALL, brand_file=brand).pdf
    (image,) = images(pdf)
    assert (image["/Width"], image["/Height"]) == (120, 40)
    original = Image.open(tmp_path / "small.png").tobytes()
    assert image.get_data() == original


# -- what check can vouch for ---------------------------------------------------------


def truncated_png() -> bytes:
    out = io.BytesIO()
    photo(60, 60).save(out, "PNG")
    return out.getvalue()[:200]


UNREADABLE = "cannot read the image (not a PNG or JPEG, or damaged); export it again as PNG or JPEG"
PROBLEMS = [
    pytest.param("logo.png", "junk\n", UNREADABLE, id="junk-png"),
    pytest.param("logo.jpg", "junk\n", UNREADABLE, id="junk-jpeg"),
    pytest.param("logo.png", truncated_png(), UNREADABLE, id="truncated-png"),
    pytest.param("logo.gif", "GIF89a", "use a PNG, JPEG or SVG file", id="gif"),
    pytest.param(
        "logo.svg", "junk\n", "cannot read the SVG (syntax error: line 1, column 0)", id="junk-svg"
    ),
    pytest.param("logo.svg", "<html/>", "cannot read the SVG (no <svg> element)", id="html"),
    pytest.param(
        "logo.svg",
        SVG.format(size="", body="<rect width='9' height='9'/>"),
        "the SVG has no size; give its <svg> element a viewBox, or a width and a height",
        id="svg-without-size",
    ),
    pytest.param(
        "logo.svg",
        SVG.format(size='width="100%" height="100%"', body=""),
        "the SVG has no size",
        id="svg-sized-in-percent",
    ),
    pytest.param(
        "logo.svg",
        SVG.format(size=SQUARE, body="<g><text x='0' y='50'>ACME</text></g>"),
        "convert the text to paths (Inkscape: Path > Object to Path)",
        id="svg-with-text",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), PROBLEMS)
def test_logo_problem_names_the_file_and_what_to_do(
    name: str, content: str | bytes, message: str, tmp_path: Path
) -> None:
    brand_with(tmp_path, name, content)
    problem = logo_problem(tmp_path / name)
    assert problem is not None
    assert problem.startswith(f"logo {tmp_path / name}: ")
    assert message in problem
    assert "\n" not in problem and "0x" not in problem


@pytest.mark.parametrize(("name", "content", "message"), PROBLEMS)
def test_the_build_fails_with_the_line_check_gives(
    name: str, content: str | bytes, message: str, library: Library, tmp_path: Path
) -> None:
    brand = brand_with(tmp_path, name, content)
    with pytest.raises(HandoutsError) as raised:
        build(Builder(library), SMALL, brand_file=brand)
    assert raised.value.format_message() == logo_problem(tmp_path / name)


def damaged_png() -> bytes:
    """A PNG whose compressed pixels are garbage under correct checksums: opens, cannot decode."""
    out = io.BytesIO()
    photo(60, 60).save(out, "PNG")
    data, at, chunks = out.getvalue(), 8, [out.getvalue()[:8]]
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + size]
        if kind == b"IDAT":
            body = body[:2] + bytes(byte ^ 0x5A for byte in body[2:])
        chunks.append(
            struct.pack(">I", size) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )
        at += 12 + size
    return b"".join(chunks)


def test_a_png_that_fails_to_decode_fails_the_build_in_one_line(
    library: Library, tmp_path: Path
) -> None:
    brand = brand_with(tmp_path, "logo.png", damaged_png())
    assert logo_problem(tmp_path / "logo.png") is None  # check reads no pixels: it cannot tell
    with pytest.raises(HandoutsError) as raised:
        build(Builder(library), SMALL, brand_file=brand)
    assert raised.value.format_message() == f"logo {tmp_path / 'logo.png'}: {UNREADABLE}"


def test_the_cli_prints_one_line_for_a_file_that_is_not_an_image(tmp_path: Path) -> None:
    brand = brand_with(tmp_path, "logo.png", "junk\n")
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["build", "--brand", str(brand), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output == f"error: {logo_problem(tmp_path / 'logo.png')}\n"


def test_good_logos_have_no_problem(library: Library, tmp_path: Path) -> None:
    photo(20, 10, alpha=True).save(tmp_path / "small.png")
    photo(20, 10).save(tmp_path / "small.jpg")
    (tmp_path / "sized.svg").write_text(SVG.format(size='width="64" height="32"', body=""))
    (tmp_path / "gradient.svg").write_text(GRADIENT, encoding="utf-8")
    logos = ["small.png", "small.jpg", "sized.svg", "gradient.svg"]
    assert [logo_problem(tmp_path / name) for name in logos] == [None] * 4
    assert logo_problem(library.logo_path("demo")) is None
    missing = tmp_path / "missing.png"
    assert logo_problem(missing) == f"logo {missing}: file not found"


def test_logo_problem_stays_quick_without_reportlab_or_svglib(tmp_path: Path) -> None:
    (tmp_path / "gradient.svg").write_text(GRADIENT, encoding="utf-8")
    Image.new("RGB", (8, 8)).save(tmp_path / "small.png")
    code = (
        "import sys; from pathlib import Path; from handouts.render.logo import logo_problem\n"
        "assert [logo_problem(Path(p)) for p in sys.argv[1:]] == [None, None]\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'svglib', 'lxml'}))"
    )
    logos = [str(tmp_path / "gradient.svg"), str(tmp_path / "small.png")]
    done = subprocess.run([sys.executable, "-c", code, *logos], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


# -- exercise photos: stored like logos -------------------------------------------------
PHOTO_PIXELS = 497  # the card's 42 mm picture column at 300 dpi, rounded up
EXERCISE = """\
id: {id}
name: Photo {id}
summary: An exercise with a picture.
targets: [Calf]
position: Standing
steps: [Rise onto your toes.]
safety: Stop if it hurts.
image: {image}
levels:
  - {{level: 1, label: Basic, sets: 3, reps: "10"}}
"""


def photo_builder(tmp_path: Path, images: dict[str, str]) -> Builder:
    """A library whose exercises (id → image file in exercises/) have pictures."""
    from handouts.content.loader import load_library

    folder = tmp_path / "exercises"
    folder.mkdir(exist_ok=True)
    for ex_id, image in images.items():
        (folder / f"{ex_id}.yaml").write_text(EXERCISE.format(id=ex_id, image=image), "utf-8")
    return Builder(load_library([tmp_path]))


def test_exercise_photos_are_stored_at_300_dpi_of_their_printed_size(tmp_path: Path) -> None:
    # A 4000×3000 JPEG added 1.5 MB per card; a 3000² PNG made an 18.9 MB handout.
    (tmp_path / "exercises").mkdir()
    photo(4000, 3000).save(tmp_path / "exercises" / "phone.jpg", quality=90)
    photo(3000, 3000, alpha=True).save(tmp_path / "exercises" / "big.png", compress_level=1)
    builder = photo_builder(tmp_path, {"jpeg-photo": "phone.jpg", "png-photo": "big.png"})
    built = build(builder, Selection(exercises=[("jpeg-photo", None), ("png-photo", None)]))
    assert len(built.pdf) < 600_000
    jpeg, png = sorted(images(built.pdf), key=lambda image: image["/Height"])
    assert jpeg["/Filter"] == ["/DCTDecode"]  # a JPEG stays a JPEG
    assert jpeg["/Width"] == PHOTO_PIXELS and abs(jpeg["/Height"] - PHOTO_PIXELS * 3 / 4) <= 1
    assert png["/Width"] == png["/Height"] == PHOTO_PIXELS
    assert png["/SMask"].get_object()["/Width"] == PHOTO_PIXELS  # transparency kept


def test_an_exercise_image_that_is_not_an_image_is_one_line_naming_the_file(
    tmp_path: Path,
) -> None:
    (tmp_path / "exercises").mkdir()
    junk = tmp_path / "exercises" / "wall.png"
    junk.write_text("junk\n")
    builder = photo_builder(tmp_path, {"junk-photo": "wall.png"})
    assert image_problem(junk) == f"image {junk}: {UNREADABLE}"
    assert image_problem(tmp_path / "none.png") == f"image {tmp_path / 'none.png'}: file not found"
    with pytest.raises(HandoutsError) as raised:
        build(builder, Selection(exercises=[("junk-photo", None)]))
    assert raised.value.format_message() == f"exercise junk-photo: {image_problem(junk)}"


@pytest.mark.parametrize("side", [100, 1500], ids=["as-it-is", "resampled"])
def test_a_16_bit_grey_png_logo_prints_grey_not_white(
    library: Library, tmp_path: Path, side: int
) -> None:
    Image.new("I;16", (side, side), 30000).save(tmp_path / "grey.png")  # 30000/65535: mid-grey
    brand = brand_with(tmp_path, "grey.png")
    tile, errors = header_tile(build(Builder(library), SMALL, brand_file=brand).pdf, tmp_path)
    assert errors == ""
    grey = tile.getpixel((tile.width // 2, tile.height // 2))
    assert all(abs(channel - 30000 / 257) < 6 for channel in grey), grey


def test_a_tall_logo_is_centred_on_its_tile(library: Library, tmp_path: Path) -> None:
    Image.new("RGB", (40, 120), (200, 30, 30)).save(tmp_path / "tall.png")
    brand = brand_with(tmp_path, "tall.png")
    tile, _ = header_tile(build(Builder(library), SMALL, brand_file=brand).pdf, tmp_path)
    red = [x for x in range(tile.width) if tile.getpixel((x, tile.height // 2))[1] < 120]
    assert red, "no logo on the tile"
    assert abs(red[0] - (tile.width - 1 - red[-1])) <= 1, (red[0], red[-1], tile.width)


def is_red(pixel: tuple[int, int, int]) -> bool:
    return pixel[0] > 150 and max(pixel[1:]) < 80


@pytest.mark.parametrize("ink_saver", [False, True])
def test_the_logo_keeps_clear_of_the_edge_printers_leave_blank(
    library: Library, tmp_path: Path, ink_saver: bool
) -> None:
    Image.new("RGB", (100, 100), (200, 30, 30)).save(tmp_path / "red.png")
    brand = brand_with(tmp_path, "red.png")
    options = Options(ink_saver=ink_saver)
    pdf = build(Builder(library), SMALL, brand_file=brand, options=options).pdf
    poppler(pdf, tmp_path, "-r", "72", "-f", "1", "-l", "1", "-singlefile")
    page = Image.open(tmp_path / "page.png").convert("RGB")
    column = round(TILE_LEFT + TILE / 2)
    red = [y for y in range(page.height) if is_red(page.getpixel((column, y)))]
    assert red, "no logo on page one"
    top = red[0]
    assert top >= 5 * mm - 0.5, f"the logo starts {top / mm:.1f} mm from the top edge"
