"""A5 and half letter, laid out at their own size: read back from the PDF.

Not A4 shrunk: the pages are A5 (or half letter), body text stays 11 pt, nothing a
patient reads is below 10 pt, and no text comes within 10 mm of the paper's edge.
"""

from __future__ import annotations

import io

import pdfplumber
import pytest
from reportlab.lib.units import inch, mm
from test_print_ready import EDGE, FOOTER, PATIENT, Printed

from handouts.build import Builder, Request
from handouts.compose import Options, Selection

SIZES = {"a5": (148 * mm, 210 * mm), "half-letter": (5.5 * inch, 8.5 * inch)}


@pytest.fixture(scope="module")
def small(builder: Builder) -> dict[str, Printed]:
    """The default handout on each small paper, built once."""
    built = {}
    for paper in SIZES:
        request = Request(Selection("soleus-strength-runners"), PATIENT, options=Options(paper))
        built[paper] = Printed(builder.build(request)[1])
    return built


def test_pages_are_the_paper_asked_for(small) -> None:  # noqa: ANN001
    for paper, item in small.items():
        for width, height, *_ in item.pages:
            assert width == pytest.approx(SIZES[paper][0], abs=1)
            assert height == pytest.approx(SIZES[paper][1], abs=1)


def test_small_paper_text_sizes_and_margins(small) -> None:  # noqa: ANN001
    for paper, item in small.items():
        body = 0
        for number, (width, height, chars, _) in enumerate(item.pages, 1):
            for char in (c for c in chars if c["text"].strip()):
                where = (paper, number, char["text"])
                least = 8 if height - char["bottom"] < FOOTER else 10
                assert char["size"] >= least - 0.05, where
                assert char["x0"] >= EDGE - 0.5 and char["x1"] <= width - EDGE + 0.5, where
                assert char["top"] >= EDGE - 0.5 and char["bottom"] <= height - EDGE + 0.5, where
                body += round(char["size"], 1) == 11.0
        assert body > 5000, paper  # the body text is 11 pt, as on A4


def test_the_tracking_sheet_is_last_on_small_paper(small, builder: Builder) -> None:  # noqa: ANN001
    """Last, on pages of its own; printed double-sided, it starts on a front (page 1 is a
    front; one-sided, every page is)."""
    for paper, item in small.items():
        texts = [text for *_, text in item.pages]
        first = next(n for n, text in enumerate(texts, 1) if "Tracking sheet" in text)
        assert "Sources" not in texts[first - 1], paper
        assert all("Tracking sheet" in text for text in texts[first - 1 :]), paper
    options = Options("a5", duplex=True)
    request = Request(Selection("soleus-strength-runners"), PATIENT, options=options)
    texts = [text for *_, text in Printed(builder.build(request)[1]).pages]
    first = next(n for n, text in enumerate(texts, 1) if "Tracking sheet" in text)
    assert first % 2 == 1 and all("Tracking sheet" in text for text in texts[first - 1 :])


def test_a_narrow_table_puts_each_dose_under_its_exercise(small) -> None:  # noqa: ANN001
    """On small paper the name and position take a line of their own, the dose goes under
    them in five columns and the level under that, so no word is broken mid-word
    ("Bodyweig" / "ht")."""
    for paper, item in small.items():
        text = " ".join(page[3].replace("\n", " ") for page in item.pages)
        assert "Sets Reps Tempo Rest Load Weeks 1–2" in text, paper
        assert "Bent-knee calf raise Standing, knees slightly bent" in text, paper
        assert "Level 1: Double-leg, bodyweight · Both feet on the floor." in text, paper
        with pdfplumber.open(io.BytesIO(item.pdf)) as document:
            words = {w["text"] for page in document.pages[:10] for w in page.extract_words()}
        assert {"Bodyweight", "Bent-knee"} <= words, paper  # whole, not "Bodyweig" / "ht"
        assert not {"Bodyweig", "Bent-kn", "Non"} & words, paper
