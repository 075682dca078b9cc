"""A brand that cannot break the page: a long clinic name fits two lines in the header,
shrinking to a floor size, and `handouts check` (and the build) say when it had to
shrink that far or be cut; a light colour is printed darker, and check says so too."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from handouts import api
from handouts.build import Builder, Request
from handouts.cli import main
from handouts.compose import Options, Selection
from handouts.render.header import NAME_FLOOR, fitted_name, name_warning
from handouts.render.theme import PAPER_EDGE

LONG = (
    "The Northern Riverside Sports Physiotherapy, Podiatry and Running Injury "
    "Rehabilitation Clinic of Greater Millbrook"
)
MIDDLE = "Riverside Sports Physiotherapy and Running Injury Clinic"


def workspace(tmp_path: Path, name: str, primary: str = "#1F5F8B") -> Path:
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "clinic.yaml").write_text(
        f'name: "{name}"\nprimary: "{primary}"\nwebsite: www.example.com\n'
    )
    (tmp_path / "handouts.yaml").write_text("content:\n  - .\nbrand: brands/clinic.yaml\n")
    return tmp_path


def theme_for(builder: Builder, tmp_path: Path, name: str, paper: str = "a4"):  # noqa: ANN201
    folder = workspace(tmp_path, name)
    request = Request(Selection(sections=["recovery"]), brand_file=folder / "brands/clinic.yaml")
    handout = builder.compose(Request(request.selection, brand_file=request.brand_file))
    options = Options(paper)
    return builder.theme(handout.brand, handout.logo, options), handout


def test_a_long_name_takes_two_lines_at_the_floor_and_is_cut_with_a_warning(
    builder: Builder, tmp_path: Path
) -> None:
    theme, handout = theme_for(builder, tmp_path, LONG, "a5")
    size, lines = fitted_name(theme, handout.brand, handout.logo)
    assert size == NAME_FLOOR and len(lines) == 2
    assert lines[0].endswith("…") or lines[1].endswith("…")
    warning = name_warning(theme, handout.brand, handout.logo)
    assert warning is not None and "prints at 10 pt" in warning and "cut to fit" in warning


def test_a_name_that_fits_warns_of_nothing(builder: Builder, tmp_path: Path) -> None:
    theme, handout = theme_for(builder, tmp_path, MIDDLE)
    size, lines = fitted_name(theme, handout.brand, handout.logo)
    assert size > NAME_FLOOR and " ".join(lines) == MIDDLE
    assert name_warning(theme, handout.brand, handout.logo) is None


def test_the_long_name_prints_inside_the_band_at_least_10_pt(tmp_path: Path) -> None:
    folder = workspace(tmp_path, LONG)
    session = api.open_session(cwd=folder)
    request = api.HandoutRequest(sections=("recovery",))
    built = api.build(session, request)
    assert any("cut to fit" in w for w in built.warnings) is False  # A4: it fits, larger
    with pdfplumber.open(io.BytesIO(built.pdf)) as document:
        page = document.pages[0]
        name = [
            c for c in page.chars if c["top"] < 22 * 72 / 25.4 and c["fontname"].endswith("Bold")
        ]
    assert name and min(c["size"] for c in name) >= NAME_FLOOR
    assert min(c["top"] for c in name) >= PAPER_EDGE - 0.5
    assert len({round(c["top"]) for c in name}) == 2  # two lines, never three


@pytest.mark.parametrize("primary", ["#FFE680"])
def test_check_warns_of_a_light_colour_and_a_name_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, primary: str
) -> None:
    folder = workspace(tmp_path, LONG, primary)
    monkeypatch.delenv("HANDOUTS_CONFIG", raising=False)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert any(
        line.startswith("warning: brands/clinic.yaml: ")
        and "below 3:1 for lines and tick boxes; they print in the darker #" in line
        for line in lines
    ), lines
    assert any(
        "the clinic's name prints at 10 pt on a booklet's pages" in line and "cut to fit" in line
        for line in lines
    ), lines
    checked = api.check(api.open_session(cwd=folder))
    assert not checked.problems and len(checked.warnings) >= 2
