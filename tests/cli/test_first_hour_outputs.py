"""The first hour: outputs that never overwrite another patient's, and print-ready options."""

from __future__ import annotations

from pathlib import Path

import pytest
from first_hour import clean_folder, run
from pypdf import PdfReader

FAST = "inner-calf-circuit"


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)


def pages(path: str | Path) -> int:
    return len(PdfReader(path).pages)


def test_each_patient_gets_their_own_file() -> None:
    first = run("build", "--section", "what-is-the-soleus", "--patient", "Margaret O'Brien")
    second = run("build", "--section", "what-is-the-soleus", "--patient", "Sam Lee")
    anonymous = run("build", "--section", "what-is-the-soleus")
    assert first.stdout == "output/handout-margaret-o-brien.pdf\n"  # as a batch names her
    assert second.stdout == "output/handout-sam-lee.pdf\n"
    assert anonymous.stdout == "output/handout.pdf\n"
    assert "Margaret" in PdfReader("output/handout-margaret-o-brien.pdf").pages[0].extract_text()


def test_build_duplex_pads_to_an_even_page_count() -> None:
    sections = ["what-is-the-soleus", "why-it-matters", "how-to-train"]
    sections = tuple(arg for section in sections for arg in ("--section", section))
    assert run("build", *sections, "-o", "plain.pdf").exit_code == 0
    assert pages("plain.pdf") == 3  # odd: the case where duplex pads
    result = run("build", *sections, "--duplex", "-o", "duplex.pdf")
    assert result.exit_code == 0, result.output
    assert pages("duplex.pdf") == 4
    assert PdfReader("duplex.pdf").pages[3].extract_text() == ""  # the blank back of sheet 2


def roster(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "workshop.csv"
    path.write_text("patient,programme\n" + "".join(f"{n},{FAST}\n" for n in names))
    return path


def test_batch_booklets_go_beside_the_full_size_handouts(tmp_path: Path) -> None:
    result = run("batch", roster(tmp_path, ["Ann"]), "--out-dir", "out", "--booklet", "-j", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.pdf")) == [
        "ann.booklet.pdf",
        "ann.pdf",
    ]
    full, booklet = PdfReader("out/ann.pdf"), PdfReader("out/ann.booklet.pdf")
    assert float(full.pages[0].mediabox.width) < float(full.pages[0].mediabox.height)  # A4 upright
    sides = [round(float(page.mediabox.width)) for page in booklet.pages]
    folded = sides.count(842)  # A4 landscape sides, two A5 pages each
    assert folded and sides == [842] * folded + [595] * (len(sides) - folded)  # tracker: A4


def test_after_resume_the_print_file_can_take_only_this_runs_rows(tmp_path: Path) -> None:
    assert (
        run("batch", roster(tmp_path, ["Ann", "Ben"]), "--out-dir", "out", "-j", "1").exit_code == 0
    )
    one = pages("out/ann.pdf")
    path = roster(tmp_path, ["Ann", "Ben", "Cat"])
    result = run(
        "batch", path, "--out-dir", "out", "-j", "1", "--resume", "--combine", "new.pdf",
        "--new-only",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 rows: 1 built, 2 skipped, 0 failed" in result.stdout
    assert f"combined: new.pdf ({one} pages)" in result.stdout  # Cat's handout only
    usage = run("batch", path, "--out-dir", "out", "--new-only")
    assert usage.exit_code == 2
    assert usage.stderr.splitlines()[-1] == "error: --new-only works with --combine FILE"
