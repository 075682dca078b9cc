"""--bleed: for a print shop, every page shows the band's 3 mm bleed, crop marks, and the
TrimBox and BleedBox; without it the page is the paper and nothing else changes."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from handouts.build import Builder, Request
from handouts.cli import main
from handouts.compose import Selection
from handouts.post import bleed
from handouts.render import theme

MM = 72 / 25.4


@pytest.fixture(scope="module")
def handout(builder: Builder) -> bytes:
    return builder.build(Request(Selection(sections=["recovery"])))[1]


def boxes(page) -> dict[str, list[float]]:  # noqa: ANN001 - a pypdf page
    return {
        name: [round(float(v), 2) for v in getattr(page, name)]
        for name in ("mediabox", "trimbox", "bleedbox")
    }


def test_every_page_gets_trim_and_bleed_boxes_and_room_for_marks(handout: bytes) -> None:
    before = PdfReader(io.BytesIO(handout))
    after = PdfReader(io.BytesIO(bleed.with_bleed(handout)))
    assert len(after.pages) == len(before.pages)
    for old, new in zip(before.pages, after.pages, strict=True):
        width, height = float(old.mediabox.width), float(old.mediabox.height)
        got = boxes(new)
        assert got["trimbox"] == [0, 0, round(width, 2), round(height, 2)]
        three = 3 * MM
        assert got["bleedbox"] == [
            round(v, 2) for v in (-three, -three, width + three, height + three)
        ]
        assert got["mediabox"][0] < -three - 5 * MM  # the marks sit outside the bleed
        assert "/Artifact BMC" in new.get_contents().get_data().decode("latin-1")
    assert [o.title for o in after.outline] == [o.title for o in before.outline]
    assert "/StructTreeRoot" in after.trailer["/Root"]  # the tags are kept
    assert round(bleed.BLEED, 6) == round(theme.BLEED, 6)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs pdftoppm")
def test_the_band_runs_into_the_bleed_and_marks_show_the_trim(
    handout: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "bleed.pdf"
    source.write_bytes(bleed.with_bleed(handout))
    scale = 4  # pixels a point: a hairline is a pixel wide
    subprocess.run(
        ["pdftoppm", "-r", str(72 * scale), "-png", "-f", "1", "-l", "1", source, tmp_path / "p"],
        check=True,
    )
    (image_path,) = tmp_path.glob("p*.png")
    image = Image.open(image_path).convert("RGB")
    middle = image.width // 2

    def ink(x: float, y: float) -> int:
        """How dark the darkest pixel is within a pixel of (x, y) points from the top left."""
        px, py = round(x * scale), round(y * scale)
        return 765 - min(sum(image.getpixel((i, j))) for i in (px - 1, px, px + 1) for j in (py,))

    trim = bleed.SLUG  # the trim's top left corner, in points from the media's
    assert ink(middle / scale, trim - 1.5 * MM) > 300  # the band, 1.5 mm past the trim
    assert ink(middle / scale, trim - bleed.BLEED - 2 * MM) == 0  # paper beyond the bleed
    # A crop mark in the line of the trim's left edge, above the page, outside the bleed.
    assert ink(trim, trim - bleed.BLEED - 2.5 * MM) > 150
    assert ink(trim - 3 * MM, trim - bleed.BLEED - 2.5 * MM) == 0


@pytest.mark.skipif(not shutil.which("qpdf"), reason="needs qpdf")
def test_bleed_output_passes_qpdf_check(handout: bytes, tmp_path: Path) -> None:
    path = tmp_path / "b.pdf"
    path.write_bytes(bleed.with_bleed(handout))
    result = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_build_bleed_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOUTS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    base = ["build", "--section", "recovery", "--date", "2026-03-02"]
    assert CliRunner().invoke(main, [*base, "--bleed", "-o", "b.pdf"]).exit_code == 0
    assert CliRunner().invoke(main, [*base, "-o", "plain.pdf"]).exit_code == 0
    assert "/TrimBox" in PdfReader("b.pdf").pages[0]
    assert "/TrimBox" not in PdfReader("plain.pdf").pages[0]  # office paper: as it was
    result = CliRunner().invoke(main, [*base, "--bleed", "--booklet", "-o", "bk.pdf"])
    assert result.exit_code == 0
    assert "note: --bleed is for a print shop's single pages" in result.stderr
