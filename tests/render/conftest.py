"""Fixtures for whole-handout tests: the default handout, its variants and a clinic
folder, each built once per test session and only read by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from handout_pdf import (
    CALLOUTS,
    GRID_IDS,
    LITERAL,
    MARKDOWN,
    Built,
    Variants,
    build,
    write_exercise,
)
from PIL import Image

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection
from handouts.content.library import Library
from handouts.content.loader import load_library


@pytest.fixture(scope="session")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clinic")
    exercises, sections = root / "exercises", root / "sections"
    exercises.mkdir()
    sections.mkdir()
    Image.new("RGB", (200, 3000), (190, 60, 60)).save(exercises / "tall.png")  # taller than a page
    write_exercise(
        exercises,
        "video-calf",
        "Video calf raise",
        ["Rise onto your toes.", "Lower slowly."],
        extra="video: https://example.org/v/calf\nimage: tall.png",
    )
    long_step = "Keep going with this very long and careful instruction for the step " * 3
    write_exercise(exercises, "long-steps", "Long steps", [f"{n}. {long_step}" for n in range(60)])
    write_exercise(exercises, "literal-step", "Literal step", ["Say " + LITERAL.replace("'", "''")])
    for n, ex_id in enumerate(GRID_IDS, 1):
        write_exercise(exercises, ex_id, f"Grid drill {n:02d}", [f"Do grid drill {n:02d} slowly."])
    words = " ".join(["word"] * 3000)
    (sections / "big-cell.md").write_text(
        f"---\nid: big-cell\ntitle: Big cell\n---\n\n| A | B |\n|---|---|\n| {words} | x |\n",
        encoding="utf-8",
    )
    (sections / "markdown-tour.md").write_text(MARKDOWN, encoding="utf-8")
    (sections / "callouts.md").write_text(CALLOUTS, encoding="utf-8")
    (root / "sources.yaml").write_text(
        "- id: doi-paper\n  title: A paper with a DOI\n  year: 2024\n  doi: 10.1000/xyz123\n"
        "- id: iri-page\n  title: Русский источник\n  url: https://пример.рф/страница\n",
        encoding="utf-8",
    )
    (root / "literal-brand.yaml").write_text(
        f"name: '{LITERAL}'\nprimary: \"#1F5F8B\"\ncontact: ['{LITERAL}']\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="session")
def clinic_library(clinic: Path) -> Library:
    return load_library([clinic])


@pytest.fixture(scope="session")
def clinic_builder(clinic_library: Library) -> Builder:
    return Builder(clinic_library)


# -- the default handout, built once --
@pytest.fixture(scope="session")
def default(builder: Builder) -> Built:
    return build(builder, Selection(DEFAULT_PROGRAMME))


@pytest.fixture(scope="session")
def variants(builder: Builder) -> Variants:
    return Variants(builder)
