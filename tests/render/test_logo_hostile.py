"""Hostile SVG and PNG logos: no file outside the logo is read, no number or size
exhausts the build, and what ``check`` accepts the build draws."""

from __future__ import annotations

import base64
import io
import resource
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from handouts.errors import BrandError
from handouts.render import logo as logo_module
from handouts.render.logo import check_logo, draw_logo, logo_problem

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" {size}>'
SQUARE = 'viewBox="0 0 100 100"'


def svg(body: str, size: str = SQUARE) -> str:
    return SVG.format(size=size) + body + "</svg>"


def png_bytes(colour: str = "red", size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def write_logo(folder: Path, text: str, name: str = "logo.svg") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A drawing and a picture outside the logo's folder, which a logo must never show."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.svg").write_text(
        svg('<g id="g"><rect width="100" height="100" fill="#f00"/></g>'), encoding="utf-8"
    )
    (tmp_path / "outside" / "x.png").write_bytes(png_bytes())
    (tmp_path / "brand").mkdir()
    return tmp_path / "brand"


SELF_CONTAINED = "a logo must be one self-contained file"
REFERENCES = {
    "use-xlink": '<use xlink:href="../outside/x.svg#g"/>',
    "use-svg2-href": '<use href="../outside/x.svg#g"/>',
    "use-absolute": '<use href="{outside}/x.svg#g"/>',
    "use-file-url": '<use href="file://{outside}/x.svg#g"/>',
    "image-relative": '<image xlink:href="../outside/x.png" width="50" height="50"/>',
    "image-http": '<image href="http://example.org/x.png" width="50" height="50"/>',
    "image-same-folder": '<image href="x.png" width="50" height="50"/>',
    "css-style-attribute": '<rect width="9" height="9" style="fill:url(../outside/x.svg#g)"/>',
    "css-fill-attribute": '<rect width="9" height="9" fill="url(\'../outside/x.svg#g\')"/>',
    "css-style-element": "<style>rect { fill: url(../outside/x.svg#g) }</style>",
    "css-import": '<style>@import "../outside/x.css";</style>',
    "gradient-href": '<linearGradient id="l" href="../outside/x.svg#l"/>',
    "data-not-an-image": '<use href="data:image/svg+xml;base64,PHN2Zy8+"/>',
}


@pytest.mark.parametrize("body", REFERENCES.values(), ids=REFERENCES.keys())
def test_a_logo_refers_to_nothing_outside_itself(outside: Path, body: str) -> None:
    path = write_logo(outside, svg(body.replace("{outside}", str(outside.parent / "outside"))))
    (outside / "x.png").write_bytes(png_bytes())  # even a picture beside it is not read
    problem = logo_problem(path)
    assert problem is not None and (SELF_CONTAINED in problem or "cannot draw" in problem)
    assert problem.startswith(f"logo {path}: ")
    with pytest.raises(BrandError) as refused:
        check_logo(path)
    assert refused.value.format_message() == problem  # the build says what check said


def test_references_inside_the_logo_still_draw(tmp_path: Path) -> None:
    body = (
        '<defs><linearGradient id="l"><stop offset="0" stop-color="#e33"/>'
        '<stop offset="1" stop-color="#36c"/></linearGradient>'
        '<g id="g"><rect width="40" height="40"/></g></defs>'
        '<use xlink:href="#g"/><rect x="50" width="50" height="50" style="fill:url(#l)"/>'
    )
    path = write_logo(tmp_path, svg(body))
    assert logo_problem(path) is None
    check_logo(path)


def test_an_embedded_png_is_drawn_as_an_image(tmp_path: Path) -> None:
    data = base64.b64encode(png_bytes("blue", (8, 8))).decode()
    body = f'<image xlink:href="data:image/png;base64,{data}" width="100" height="100"/>'
    path = write_logo(tmp_path, svg(body))
    assert logo_problem(path) is None
    canvas = Canvas(str(tmp_path / "out.pdf"))
    # Drawn into a form, as the page header is (an inline image there was a TypeError).
    canvas.beginForm("Header")
    draw_logo(canvas, path, 0, 0, 50, 50)
    canvas.endForm()
    canvas.doForm("Header")
    canvas.showPage()
    canvas.save()
    done = subprocess.run(["qpdf", "--check", tmp_path / "out.pdf"], capture_output=True)
    assert done.returncode == 0, done.stdout
    page = subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-singlefile", tmp_path / "out.pdf", tmp_path / "p"],
        capture_output=True,
        text=True,
    )
    assert page.stderr == ""
    pixel = Image.open(tmp_path / "p.png").convert("RGB").getpixel((25, 842 - 25))
    assert pixel == (0, 0, 255)


NUMBERS = {  # (body, size) that printed a traceback, or passed check and failed the build
    "width-1e308": ("<rect width='9' height='9'/>", 'width="1e308" height="10"'),
    "viewbox-1e308": ("<rect width='9' height='9'/>", 'viewBox="0 0 1e308 1e308"'),
    "path-1e308": ('<path d="M0 0 L1e308 1e308 Z"/>', SQUARE),
    "path-1e999": ('<path d="M0 0 L1e999 5 Z"/>', SQUARE),
    "circle-radius": ('<circle cx="5" cy="5" r="9e300"/>', SQUARE),
    "stroke-width": ('<rect width="9" height="9" style="stroke:#000;stroke-width:1e300"/>', SQUARE),
    "matrix-zero": ('<rect transform="matrix(0 0 0 0 0 0)" width="10" height="10"/>', SQUARE),
    "matrix-singular": ('<rect transform="matrix(1 2 2 4 0 0)" width="10" height="10"/>', SQUARE),
    "scale-zero": ('<g transform="scale(0)"><rect width="10" height="10"/></g>', SQUARE),
    "scale-y-zero": ('<g transform="scale(2, 0)"><rect width="10" height="10"/></g>', SQUARE),
    "gradient-transform": (
        '<defs><linearGradient id="l" gradientTransform="matrix(0 0 0 0 0 0)">'
        '<stop offset="0" stop-color="#e33"/></linearGradient></defs>'
        '<rect width="10" height="10" fill="url(#l)"/>',
        SQUARE,
    ),
    "width-zero": ("<rect width='9' height='9'/>", 'width="0" height="10"'),
    "width-negative": ("<rect width='9' height='9'/>", 'width="-5" height="10"'),
    "width-text": ("<rect width='9' height='9'/>", 'width="abc" height="10"'),
    "viewbox-zero": ("<rect width='9' height='9'/>", 'viewBox="0 0 0 10"'),
    "viewbox-three-numbers": ("<rect width='9' height='9'/>", 'viewBox="0 0 10"'),
}
REFUSED = {name: svg(body, size) for name, (body, size) in NUMBERS.items()}
REFUSED["entities"] = '<!DOCTYPE svg [<!ENTITY a "aaaa">]>' + svg("<rect width='9' height='9'/>")


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_check_refuses_what_the_build_cannot_draw_in_its_words(tmp_path: Path, text: str) -> None:
    path = write_logo(tmp_path, text)
    problem = logo_problem(path)
    assert problem is not None and problem.startswith(f"logo {path}: ")
    with pytest.raises(BrandError) as refused:
        check_logo(path)
    assert refused.value.format_message() == problem


def test_an_svg_nested_or_large_beyond_a_logo_is_refused_quickly(tmp_path: Path) -> None:
    deep = write_logo(tmp_path, svg("<g>" * 5000 + "</g>" * 5000), "deep.svg")
    assert "nested more than" in logo_problem(deep)
    many = write_logo(tmp_path, svg("<rect width='1' height='1'/>" * 30_000), "many.svg")
    assert "elements; simplify it" in logo_problem(many)
    big = write_logo(tmp_path, svg("<!--" + "x" * 5_000_000 + "-->"), "big.svg")
    assert "a logo must be under" in logo_problem(big)


# -- check and build agree, whatever the SVG ----------------------------------------------

_NUMBER = st.one_of(
    st.integers(-5, 200).map(str),
    st.sampled_from(["0", "-0", "1e308", "1e999", "-1e400", ".5", "1e-320", "nan", "inf", "1e6"]),
)
_ATTRIBUTES = st.sampled_from(
    ["x", "y", "width", "height", "r", "rx", "cx", "stroke-width", "opacity", "fill-opacity"]
)
_TRANSFORM = st.builds(
    lambda kind, numbers: f"{kind}({' '.join(numbers)})",
    st.sampled_from(["matrix", "scale", "translate", "rotate", "skewX"]),
    st.lists(_NUMBER, min_size=1, max_size=6),
)
_SHAPE = st.builds(
    lambda tag, attributes, transform, fill: (
        f"<{tag} "
        + " ".join(f'{name}="{value}"' for name, value in attributes.items())
        + (f' transform="{transform}"' if transform else "")
        + f' fill="{fill}"/>'
    ),
    st.sampled_from(["rect", "circle", "ellipse", "line", "path", "use", "polygon"]),
    st.dictionaries(_ATTRIBUTES, _NUMBER, max_size=4),
    st.none() | _TRANSFORM,
    st.sampled_from(["#123456", "red", "url(#g)", "none", "rgb(1e999,0,0)", "url(x.svg#g)"]),
)
_SIZE = st.one_of(
    st.just(SQUARE),
    st.builds(lambda w, h: f'width="{w}" height="{h}"', _NUMBER, _NUMBER),
    st.builds(lambda *n: f'viewBox="{" ".join(n)}"', _NUMBER, _NUMBER, _NUMBER, _NUMBER),
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(size=_SIZE, shapes=st.lists(_SHAPE, max_size=4), group=st.none() | _TRANSFORM)
def test_fuzz_what_check_accepts_the_build_draws(
    tmp_path: Path, size: str, shapes: list[str], group: str | None
) -> None:
    body = "".join(shapes)
    if group:
        body = f'<g id="g" transform="{group}">{body}</g>'
    path = write_logo(tmp_path, svg(body, size))
    logo_module._load.cache_clear()  # one file name, a new logo each time
    problem = logo_problem(path)
    try:
        check_logo(path)
        canvas = Canvas(io.BytesIO())
        draw_logo(canvas, path, 0, 0, 40, 40)
        canvas.showPage()
        canvas.save()
    except BrandError as error:
        assert problem == error.format_message()
    else:
        assert problem is None


# -- pixels: a limit, as a message ------------------------------------------------------


def huge_png(path: Path, side: int, bit_depth: int = 16) -> None:
    """A greyscale PNG of ``side`` pixels square, all black: a few hundred kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = bytes(1 + side * bit_depth // 8)
    packer = zlib.compressobj(9)
    rows = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, bit_depth, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def test_a_png_past_the_pixel_limit_is_one_line_and_no_warning(tmp_path: Path) -> None:
    huge_png(tmp_path / "logo.png", 7000, bit_depth=8)  # 49 million pixels: Pillow only warns
    brand = tmp_path / "brand.yaml"
    brand.write_text("name: Big Logo Clinic\nlogo: logo.png\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "build", "--brand", brand, "--section", "recovery"]
        + ["-o", out],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"error: logo {tmp_path / 'logo.png'}: the image has more than 40 million pixels;"
        " save it smaller (a logo or photo needs at most 2,000 pixels a side)"
    ]
    assert not out.exists()


def _limit_memory() -> None:
    limit = 1_200_000_000
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_a_16_bit_png_bomb_is_refused_within_a_memory_limit(tmp_path: Path) -> None:
    """13,300 px square at 16 bits: 340 KB on disk, 1.78 GB to decode, under 1.2 GB here."""
    huge_png(tmp_path / "logo.png", 13_300)
    brand = tmp_path / "brand.yaml"
    brand.write_text("name: Big Logo Clinic\nlogo: logo.png\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    command = [sys.executable, "-m", "handouts", "build", "--brand", brand, "-o", out]
    done = subprocess.run(
        [*command, "--section", "recovery"],
        capture_output=True,
        text=True,
        preexec_fn=_limit_memory,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "the image has more than 40 million pixels" in done.stderr
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr
