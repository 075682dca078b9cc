"""Broken font files in a clinic's fonts/ folder are named and passed over; a folder
holding some faces of an installed family does not hide the package."""

from __future__ import annotations

from pathlib import Path

import fontpkg
import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.render.font_files import UNREADABLE_FONT, resolve_family, unreadable_fonts
from handouts.render.fonts import load_fonts

FAMILY = "Atkinson Hyperlegible"


def regular_bytes() -> bytes:
    return Path(fontpkg.path(FAMILY, 400)).read_bytes()


BROKEN = {
    "truncated-half": lambda: regular_bytes()[: len(regular_bytes()) // 2],
    "truncated-header": lambda: regular_bytes()[:40],
    "not-a-font": lambda: b"not a font at all\n",
    "empty": lambda: b"",
    "zeroed-tables": lambda: regular_bytes()[:300] + bytes(len(regular_bytes()) - 300),
}


@pytest.mark.parametrize("make", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_font_file_is_named_and_passed_over(tmp_path: Path, make) -> None:  # noqa: ANN001
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "Broken-Regular.ttf").write_bytes(make())
    assert unreadable_fonts([fonts]) == [fonts / "Broken-Regular.ttf"]
    # The brand's family still comes from the installed package, with a warning.
    files = resolve_family(FAMILY, [fonts])
    assert all("fontpkg" in str(path) or "handouts" in str(path) for path in files.files)
    loaded = load_fonts(FAMILY, [fonts])
    assert loaded.warnings == [f"font {fonts / 'Broken-Regular.ttf'}: {UNREADABLE_FONT}"]


def test_check_names_a_broken_font_and_build_carries_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    (tmp_path / "ws" / "fonts").mkdir()
    (tmp_path / "ws" / "fonts" / "Half.ttf").write_bytes(BROKEN["truncated-half"]())
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 1
    assert check.stderr.splitlines() == [f"fonts/Half.ttf: {UNREADABLE_FONT}", "1 problem found"]
    build = CliRunner().invoke(main, ["build", "--section", "recovery", "-o", "out.pdf"])
    assert build.exit_code == 0, build.output
    assert f"Half.ttf: {UNREADABLE_FONT}" in build.stderr
    assert "Traceback" not in build.output
    assert (tmp_path / "ws" / "out.pdf").read_bytes().startswith(b"%PDF")


def test_a_folder_with_only_the_bold_face_keeps_the_installed_family(tmp_path: Path) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    bold = fonts / "MyBold.ttf"
    bold.write_bytes(Path(fontpkg.path(FAMILY, 700)).read_bytes())
    files = resolve_family(FAMILY, [fonts])
    assert files.face("bold") == bold  # the clinic's own file first
    assert files.face("regular") == Path(fontpkg.path(FAMILY, 400))  # the package for the rest
