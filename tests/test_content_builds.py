"""Every built-in programme, and every exercise at every level, builds into a PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from handouts.build import Builder, Request
from handouts.compose import Selection
from handouts.content.loader import load_library

LIBRARY = load_library()
DATE = dt.date(2026, 1, 5)


@pytest.fixture(scope="module")
def builder() -> Builder:
    return Builder(LIBRARY)


def _text(pdf: bytes) -> str:
    # Whitespace folded: long titles wrap onto several lines on the page.
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.mark.parametrize("programme", sorted(LIBRARY.programmes))
def test_every_programme_builds(builder: Builder, programme: str) -> None:
    handout, pdf = builder.build(Request(Selection(programme=programme), date=DATE))
    text = _text(pdf)
    assert handout.title in text
    for exercise in handout.exercises:
        assert exercise.name in text


@pytest.mark.parametrize(
    "level", range(1, 1 + max(len(e.levels) for e in LIBRARY.exercises.values()))
)
def test_every_exercise_builds_at_every_level(builder: Builder, level: int) -> None:
    chosen = sorted(ex.id for ex in LIBRARY.exercises.values() if len(ex.levels) >= level)
    selection = Selection(exercises=[(exercise_id, level) for exercise_id in chosen])
    handout, pdf = builder.build(Request(selection, date=DATE))
    text = _text(pdf)
    for exercise_id in chosen:
        label = LIBRARY.exercises[exercise_id].level(level).label
        assert f"Level {level}" in text
        assert " ".join(label.split()) in text, (exercise_id, label)
