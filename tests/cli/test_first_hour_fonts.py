"""The first hour: a brand's font family, by name, and what to install when it is missing."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from first_hour import clean_folder, run

INSTALL = (
    "install the package fontpkg-open-sans into the environment handouts runs from "
    f"({sys.prefix}): {shlex.quote(sys.executable)} -m pip install fontpkg-open-sans"
)


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)


def brand(tmp_path: Path, font: str) -> Path:
    path = tmp_path / "brands" / "clinic.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"name: Hillside Running Club\nfont: {font}\n", encoding="utf-8")
    return path


def test_an_unknown_family_names_the_package_and_the_environment(tmp_path: Path) -> None:
    result = run("build", "--exercise", "hip-hikes", "--brand", brand(tmp_path, "Open Sans"))
    assert result.exit_code == 1
    fonts = tmp_path / "fonts"  # the working folder's, which a workspace would have
    assert result.stderr == (
        f'error: font family "Open Sans" not found: {INSTALL}; or put its TTF files in a '
        f"fonts/ folder ({fonts}); installed families close to it: Noto Sans\n"
    )


def test_check_says_the_same_before_a_build_fails(tmp_path: Path) -> None:
    (tmp_path / "handouts.yaml").write_text("content: .\nbrand: brands/clinic.yaml\n")
    brand(tmp_path, "Open Sans")
    result = run("check")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(
        f'brands/clinic.yaml: font: font family "Open Sans" not found: {INSTALL};'
    )
    assert first.endswith("; installed families close to it: Noto Sans")


def test_a_misspelt_installed_family_is_named(tmp_path: Path) -> None:
    result = run(
        "build", "--exercise", "hip-hikes", "--brand", brand(tmp_path, "Atkinson Hyperlegibel")
    )
    assert result.exit_code == 1
    assert result.stderr == (
        'error: font family "Atkinson Hyperlegibel" not found; '
        'did you mean "Atkinson Hyperlegible" (installed)?\n'
    )
