"""The printed page, read back from the PDF: sizes, ink, margins, order and page counts.

Each variant is built once per session; pdfplumber reads every character's size,
colour and place, as a patient, a printer and a print shop's RIP meet them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import cached_property

import pdfplumber
import pytest
from handout_pdf import TABLE_HEADER
from pypdf import PdfReader
from reportlab.lib.units import mm

from handouts.build import Builder, Request
from handouts.compose import Options, Selection
from handouts.content.models import Patient

PROGRAMMES = ("soleus-strength-runners", "achilles-eccentric", "home-no-gym", "inner-calf-circuit")
EDGE = 10 * mm  # no text closer than this to the paper's edge
FOOTER = 22 * mm  # the footer's fine print sits below this height
PATIENT = Patient(name="Sam Lee", start=dt.date(2026, 12, 7))


@dataclass
class Printed:
    pdf: bytes

    @cached_property
    def pages(self) -> list:
        with pdfplumber.open(io.BytesIO(self.pdf)) as document:
            return [
                (
                    float(page.width),
                    float(page.height),
                    page.chars,
                    (page.extract_text() or "").replace("\u00a0", " "),
                )
                for page in document.pages
            ]


VARIANTS = {
    "a4": Options(),
    "letter": Options(paper="letter"),
    "large": Options(large_print=True),
    "fillable": Options(fillable=True),
    "duplex": Options(duplex=True),
}


@pytest.fixture(scope="session")
def printed(builder: Builder) -> dict[tuple[str, str], Printed]:
    """Every built-in programme in every variant, built once, read on demand."""
    built = {}
    for programme in PROGRAMMES:
        # Letter paper and fillable fields change little between programmes: the default's.
        variants = VARIANTS if programme == PROGRAMMES[0] else ("a4", "large")
        for variant in variants:
            request = Request(Selection(programme), PATIENT, options=VARIANTS[variant])
            built[programme, variant] = Printed(builder.build(request)[1])
    return built


def cases(printed: dict[tuple[str, str], Printed]) -> list[tuple[str, str, Printed]]:
    return [(programme, variant, item) for (programme, variant), item in printed.items()]


def test_text_a_patient_reads_is_at_least_10_pt_and_footer_fine_print_8(printed) -> None:  # noqa: ANN001
    for programme, variant, item in cases(printed):
        for number, (_, height, chars, _) in enumerate(item.pages, 1):
            for char in chars:
                if not char["text"].strip():
                    continue
                in_footer = height - char["bottom"] < FOOTER
                least = 8 if in_footer else 10
                if variant == "large":
                    least += 2 if in_footer else 1
                assert char["size"] >= least - 0.05, (programme, variant, number, char["text"])


def test_black_text_is_pure_black_gray_ink(printed) -> None:  # noqa: ANN001
    """Neutral text is DeviceGray (one value); body text is gray 0, never RGB near-black."""
    item = printed["soleus-strength-runners", "a4"]
    blacks = 0
    for _, _, chars, _ in item.pages:
        for char in chars:
            colour = tuple(char["non_stroking_color"] or (0,))
            if len(colour) == 3:  # RGB: a brand colour, never a neutral or near-black one
                assert not colour[0] == colour[1] == colour[2], char["text"]
                assert max(colour) > 0.25, (char["text"], colour)
            blacks += colour == (0,)
    assert blacks > 5000  # the body text


def test_no_text_within_10_mm_of_the_paper_edge(printed) -> None:  # noqa: ANN001
    for programme, variant, item in cases(printed):
        for number, (width, height, chars, _) in enumerate(item.pages, 1):
            for char in (c for c in chars if c["text"].strip()):
                where = (programme, variant, number, char["text"])
                assert char["x0"] >= EDGE - 0.5 and char["x1"] <= width - EDGE + 0.5, where
                assert char["top"] >= EDGE - 0.5 and char["bottom"] <= height - EDGE + 0.5, where


def test_the_tracking_sheet_is_last_and_starts_on_a_front_side(printed) -> None:  # noqa: ANN001
    """On pages of its own, last; printed double-sided, from the front of a sheet (after a
    notes page where needed). Printed one-sided, every page is a front: no notes page."""
    for programme, variant, item in cases(printed):
        texts = [text for *_, text in item.pages]
        starts = [n for n, text in enumerate(texts, 1) if text.count("Tracking sheet")]
        assert starts, (programme, variant)
        first = starts[0]
        assert starts == list(range(first, len(texts) + 1)), (programme, variant)
        assert all("Sources" not in text for text in texts[first - 1 :])
        notes = [n for n, text in enumerate(texts, 1) if "Your notes" in text.splitlines()]
        if variant == "duplex":
            assert first % 2 == 1, (programme, variant, first)  # an odd page: a sheet's front
        else:
            assert not notes, (programme, variant, notes)
    # Double-sided adds a notes page only where the sheet would start on a back (its one page).
    one_sided = printed["soleus-strength-runners", "a4"].pages
    two_sided = printed["soleus-strength-runners", "duplex"].pages
    assert len(two_sided) - len(one_sided) == (len(one_sided) + 1) % 2


def test_every_font_subset_has_its_own_tag(printed) -> None:  # noqa: ANN001
    reader = PdfReader(io.BytesIO(printed["soleus-strength-runners", "a4"].pdf))
    names = {
        font["/BaseFont"]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    tags = [name.split("+")[0] for name in names]
    assert len(names) >= 3
    assert all(re.fullmatch(r"/[A-Z]{6}", tag) for tag in tags)
    assert len(set(tags)) == len(tags)


def test_the_patient_is_named_in_every_footer(printed) -> None:  # noqa: ANN001
    for *_, text in printed["achilles-eccentric", "a4"].pages:
        assert "Sam Lee · 4 December 2026" in text or "Sam Lee" in text.splitlines()[-1]


def test_weeks_carry_their_dates(printed) -> None:  # noqa: ANN001
    texts = "\n".join(text for *_, text in printed["soleus-strength-runners", "a4"].pages)
    assert "Weeks 1–2 · 7–20 Dec" in texts
    assert "7–13 Dec" in texts and "28 Dec–" in texts  # the tracker's week 1 and 4


def test_the_general_stop_advice_is_said_once(printed) -> None:  # noqa: ANN001
    texts = " ".join(text.replace("\n", " ") for *_, text in printed[PROGRAMMES[0], "a4"].pages)
    assert texts.count("Stop and seek advice if you have sharp pain") == 1
    assert texts.count("sharp pain") == 1  # the introduction no longer says it again
    assert texts.index("Your pain rule") < texts.index("Stop and seek advice")


def test_no_heading_ends_a_page(printed) -> None:  # noqa: ANN001
    """A heading (larger than body text) always has text under it on its page."""
    for programme, variant, item in cases(printed):
        body = 14 if variant == "large" else 11
        for number, (_, height, chars, page_text) in enumerate(item.pages, 1):
            if "Your notes" in page_text:  # a notes page: its heading over lines to write on
                continue
            text = [c for c in chars if c["text"].strip() and height - c["bottom"] > FOOTER]
            headings = [c for c in text if c["size"] > body * 1.2]
            if not headings:
                continue
            lowest = max(c["bottom"] for c in headings)
            assert any(c["top"] > lowest for c in text), (programme, variant, number)


def _body_lines(text: str) -> list[str]:
    """A page's lines between the header's (the first) and the footer's (the last two)."""
    return text.splitlines()[1:-2]


def test_no_page_holds_only_the_sources_or_a_tables_tail(printed) -> None:  # noqa: ANN001
    """The sources share their page with the end of the last section; a page the workout
    table runs on to holds at least two of its exercises, or more than the table."""
    seen = {"sources": 0, "continued": 0}
    for programme, variant, item in cases(printed):
        for number, (*_, text) in enumerate(item.pages, 1):
            lines = _body_lines(text)
            if "Sources" in lines:
                seen["sources"] += 1
                assert lines.index("Sources") > 0, (programme, variant, number)
            if number > 1 and lines and lines[0] == TABLE_HEADER:  # the table continued
                seen["continued"] += 1
                rows = sum(line.startswith("Level ") for line in lines)
                others = "Your exercises" in lines or "Tracking sheet" in lines
                assert rows >= 2 or others, (programme, variant, number)
    assert seen["sources"] == len(printed) and seen["continued"] > 5, seen


# Pages of each built-in programme and variant: at most these (all content kept). Each
# exercise card is whole on its page; cards share a page where they fit whole (at 10 pt, a
# card takes 40-70 % of an A4 frame with its pictures), else each takes a page of its own.
PAGES = {
    ("soleus-strength-runners", "a4"): 12,  # the target; 15 with one card a page
    ("soleus-strength-runners", "letter"): 13,  # 17 with one card a page
    ("soleus-strength-runners", "fillable"): 12,
    ("soleus-strength-runners", "duplex"): 14,  # a notes page, so the sheet starts a front
    ("soleus-strength-runners", "large"): 20,
    ("achilles-eccentric", "a4"): 9,  # 11 with one card a page
    ("achilles-eccentric", "large"): 14,
    ("home-no-gym", "a4"): 11,  # 15 with one card a page
    ("home-no-gym", "large"): 18,
    ("inner-calf-circuit", "a4"): 9,
    ("inner-calf-circuit", "large"): 14,
}


def test_page_counts_of_each_programme_and_variant(printed) -> None:  # noqa: ANN001
    counts = {key: len(item.pages) for key, item in printed.items()}
    assert counts.keys() == PAGES.keys()
    assert all(counts[key] <= PAGES[key] for key in PAGES), counts


@dataclass
class Line:
    size: float  # its largest text
    left: float
    bottom: float
    text: str = ""


def _lines(chars: list[dict]) -> dict[float, Line]:
    """A page's lines of text by their top, below the running head."""
    lines: dict[float, Line] = {}
    for char in chars:
        if char["top"] < 30 * mm or not char["text"].strip():
            continue
        top = round(char["top"], 1)
        line = lines.setdefault(top, Line(0.0, char["x0"], 0.0))
        line.size = max(line.size, char["size"])
        line.left = min(line.left, char["x0"])
        line.bottom = max(line.bottom, char["bottom"])
        line.text += char["text"]
    return lines


def _gaps_above(lines: dict[float, Line], size: float) -> list[tuple[float, Line, Line]]:
    """(the gap, the line above, the line) for each line of ``size`` under another."""
    tops = sorted(lines)
    return [
        (top - lines[above].bottom, lines[above], lines[top])
        for above, top in zip(tops, tops[1:], strict=False)
        if abs(lines[top].size - size) < 0.1
    ]


def test_a_heading_kept_with_the_sources_sits_as_far_below_its_text_as_the_others(
    printed,  # noqa: ANN001
) -> None:
    """The last section's closing block starts a page with the sources where both do not
    fit; the break before it added space of its own (4.4 pt more above its heading)."""
    *_, chars, _ = next(
        page for page in printed["soleus-strength-runners", "a4"].pages if "Sources" in page[3]
    )
    gaps = [gap for gap, *_ in _gaps_above(_lines(chars), 11 * 1.25)]  # the questions
    assert len(gaps) >= 3 and max(gaps) - min(gaps) < 1.0, gaps


def test_every_section_title_sits_as_far_below_a_paragraph(printed) -> None:  # noqa: ANN001
    """A section title under a paragraph has the same space above it as the sources'
    heading: a page break of its own before each title added the text's space after to
    the title's space before (18.4 pt against 14 above the sources)."""
    gaps = {}
    for *_, chars, _ in printed["soleus-strength-runners", "a4"].pages:
        for gap, above, title in _gaps_above(_lines(chars), 11 * 1.6):
            if abs(above.left - title.left) < 0.5:  # under a paragraph, not a box or a list
                gaps[title.text] = gap
    assert len(gaps) >= 4 and "Sources" in gaps, gaps
    assert all(abs(gap - gaps["Sources"]) < 0.5 for gap in gaps.values()), gaps
