"""The first hour: command-line conventions (exit codes, one casing, -q/-v, colour, completion)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from first_hour import clean_folder, run

from handouts import __version__
from handouts.cli import say

SECTION = ["build", "--section", "what-is-the-soleus", "--date", "2026-03-02"]


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)


@pytest.mark.parametrize(
    ("args", "last"),
    [
        (
            ["--start", "1/2/2026"],
            "error: --start '1/2/2026': use a date like 2026-11-21 (YYYY-MM-DD)",
        ),
        (["--weeks", "99"], "error: invalid value for '--weeks': 99 is not in the range 1<=x<=52"),
        (
            ["--paper", "a3"],
            "error: invalid value for '--paper': 'a3' is not one of 'a4', 'letter', 'a5', "
            "'half-letter'",
        ),
    ],
)
def test_every_usage_error_exits_2_with_one_casing(args: list[str], last: str) -> None:
    result = run(*SECTION, *args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == last
    assert "Error:" not in result.stderr


def test_quiet_keeps_warnings_and_the_result_and_drops_notes() -> None:
    loud = run(*SECTION, "--booklet", "-o", "b.pdf")
    assert [line.split(":")[0] for line in loud.stderr.splitlines()] == ["note", "warning"]
    quiet = run("-q", *SECTION, "--booklet", "-o", "b.pdf")
    assert quiet.exit_code == 0
    assert [line.split(":")[0] for line in quiet.stderr.splitlines()] == ["warning"]  # demo brand
    assert quiet.stdout == "b.pdf\n"


def test_verbose_says_which_settings_content_and_brand_are_used(tmp_path: Path) -> None:
    result = run("-v", *SECTION, "-o", "h.pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:3] == [
        "info: settings: no handouts.yaml here or above",
        "info: content: the built-in library; clinic folders: none",
        "info: brand: Riverside Physio & Running Clinic (the built-in demo brand)",
    ]
    assert (
        run("-q", "-v", "list", "brands").stderr.splitlines()[-1] == "error: -q and -v: choose one"
    )


def test_colour_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "\x1b[" not in run(*SECTION, "-o", "h.pdf").stderr  # not a terminal: plain
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert say.prefixed("warning", "x") == "\x1b[33mwarning:\x1b[0m x"
    monkeypatch.setenv("NO_COLOR", "1")
    assert say.prefixed("warning", "x") == "warning: x"


def test_shell_completion_script() -> None:
    result = run(env={"_HANDOUTS_COMPLETE": "bash_source"})
    assert result.exit_code == 0
    assert "_handouts_completion()" in result.stdout


def test_python_dash_m_handouts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "handouts", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout == f"handouts, version {__version__}\n"


def test_preparing_the_greek_and_cyrillic_font_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.deliver import batch
    from handouts.render import fonts

    real = fonts.load_fonts

    def cold(family: str, dirs: list) -> object:  # noqa: ANN401 - a FontSet
        time.sleep(0.5)  # as a cold font cache keeps the build waiting
        return real(family, dirs)

    monkeypatch.setattr(batch, "FONT_NOTICE_AFTER", 0.05)
    monkeypatch.setattr(fonts, "load_fonts", cold)
    result = run(*SECTION, "--patient", "Ελένη Παπαδοπούλου", "-o", "h.pdf")
    assert result.exit_code == 0, result.output
    notice, ready = result.stderr.splitlines()[:2]
    assert notice == batch.FONT_NOTICE
    assert ready.startswith("fonts ready in ") and ready.endswith(" s")
