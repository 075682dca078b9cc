"""`handouts show ID --figure FILE` and `handouts figures SHEET.pdf`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_show_figure_writes_png_svg_and_pdf(tmp_path: Path) -> None:
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<svg"), (".pdf", b"%PDF")):
        target = tmp_path / f"raise{suffix}"
        result = _run("show", "bent-knee-calf-raise", "--figure", str(target), "--level", "2")
        assert result.exit_code == 0, result.output
        assert target.read_bytes().startswith(magic)
    svg = (tmp_path / "raise.svg").read_text()
    assert "rises onto the ball of the foot" in svg  # the level's alternative text as its title


def test_show_figure_mono_svg_has_no_colour(tmp_path: Path) -> None:
    import re

    target = tmp_path / "drop.svg"
    assert _run("show", "heel-drop-step", "--figure", str(target), "--ink-saver").exit_code == 0
    colours = set(re.findall(r"#([0-9a-f]{6})", target.read_text()))
    assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in colours)


def test_show_figure_explains_bad_requests(tmp_path: Path) -> None:
    result = _run("show", "bent-knee-calf-raise", "--figure", str(tmp_path / "x.txt"))
    assert result.exit_code == 2 and "give a file ending in .png, .svg or .pdf" in result.output
    result = _run(
        "show", "bent-knee-calf-raise", "--figure", str(tmp_path / "x.png"), "--level", "9"
    )
    assert result.exit_code == 2 and "bent-knee-calf-raise has levels 1–4" in result.output
    result = _run("show", "calf-raize", "--figure", str(tmp_path / "x.png"))
    assert result.exit_code == 2 and "no exercise" in result.output
    assert not any(tmp_path.iterdir())


def test_figures_writes_a_contact_sheet_of_every_figure(tmp_path: Path, library) -> None:
    sheet = tmp_path / "sheet.pdf"
    result = _run("figures", str(sheet))
    assert result.exit_code == 0, result.output
    count = int(result.output.split(": ")[1].split()[0])
    distinct = {
        id(exercise.figure_at(level.level))
        for exercise in library.exercises.values()
        for level in exercise.levels
    }
    assert count == len(distinct)
    reader = PdfReader(sheet)
    forms = {
        name
        for page in reader.pages
        for name in page["/Resources"]["/XObject"]
        if name.startswith("/Fig") or "Fig" in name
    }
    assert len(forms) == count  # each figure is one form XObject
