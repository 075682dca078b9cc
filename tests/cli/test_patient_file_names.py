"""A patient's file name is the same wherever it is made: build and batch (the web page:
tests/web/test_web_file_names.py).

An apostrophe splits words ("Margaret O'Brien" → ``margaret-o-brien``), and two
patients whose names fold to the same file name still get a file each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli.app import main

DATE = "2026-03-02"
FAST = "inner-calf-circuit"  # the quickest built-in programme


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def run(*args: str | Path):  # noqa: ANN201 - click Result
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("name", ["Margaret O'Brien", "Margaret O’Brien"])
def test_build_names_the_file_after_the_patient_with_apostrophes_splitting_words(
    name: str,
) -> None:
    result = run("build", FAST, "--patient", name, "--date", DATE)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"output/{FAST}-margaret-o-brien.pdf\n"
    assert "Margaret" in PdfReader(f"output/{FAST}-margaret-o-brien.pdf").pages[0].extract_text()


def test_batch_gives_the_same_names_and_keeps_colliding_names_apart(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        f"patient,programme\nMargaret O'Brien,{FAST}\nMargaret O Brien,{FAST}\n"
        f"Margaret O’Brien,{FAST}\n",
        encoding="utf-8",
    )
    result = run("batch", roster, "--out-dir", "out", "--date", DATE, "--jobs", "1")
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in Path("out").glob("*.pdf"))
    assert names == ["margaret-o-brien-2.pdf", "margaret-o-brien-3.pdf", "margaret-o-brien.pdf"]
