"""Print options on the command line: the paper sizes offered, read back from the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from handouts.cli import main
from handouts.web.plan import PlanError, options_from_form

SECTION = ["build", "--section", "what-is-the-soleus", "--date", "2026-03-02"]


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HANDOUTS_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)


def run(*args: str | Path):  # noqa: ANN201 - click Result
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize(("paper", "size"), [("a5", (420, 595)), ("half-letter", (396, 612))])
def test_build_lays_out_at_a5_or_half_letter(paper: str, size: tuple[int, int]) -> None:
    result = run(*SECTION, "--paper", paper, "-o", "h.pdf")
    assert result.exit_code == 0, result.output
    boxes = {tuple(round(float(v)) for v in p.mediabox[2:]) for p in PdfReader("h.pdf").pages}
    assert boxes == {size}


def test_the_web_form_offers_the_same_papers() -> None:
    assert options_from_form({"paper": "a5"}).paper == "a5"
    assert options_from_form({"paper": "half-letter"}).paper == "half-letter"
    with pytest.raises(PlanError, match="Paper: choose A4, US Letter, A5, Half letter"):
        options_from_form({"paper": "a3"})
