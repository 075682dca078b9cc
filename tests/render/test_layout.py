"""Layout on the printed page: what a reader sees where lines and pages break.

Flowables are built from the built-in programmes, wrapped at the widths the page
gives them, and their broken lines (or the pages of a whole handout) are checked.
"""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table

from handouts.build import Builder, Request
from handouts.compose import Handout, Options, Selection
from handouts.render.card_body import _tips_and_mistakes
from handouts.render.card_dose import dose_table
from handouts.render.cards import exercise_card
from handouts.render.grid import tracking_grid
from handouts.render.grid_geometry import measure
from handouts.render.grid_table import TrackingGrid
from handouts.render.pdf import _fit_footer
from handouts.render.theme import Theme
from handouts.render.workout_table import workout_table

PROGRAMMES = ("soleus-strength-runners", "achilles-eccentric", "home-no-gym", "inner-calf-circuit")
# A line ending in a number whose unit (or the "×" of "3 × 15") starts the next line.
UNIT_START = re.compile(r"^(?:s|min|kg|×)(?:\W|$)")


def handout_and_theme(builder: Builder, programme: str, options: Options) -> tuple[Handout, Theme]:
    handout = builder.compose(Request(Selection(programme), options=options))
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    return handout, _fit_footer(theme, handout)  # the page's frame, as the handout prints it


def paragraphs_in(flowable: Flowable) -> list[Paragraph]:
    """Every paragraph in a flowable, looking into table cells (which hold lists or tuples)."""
    if isinstance(flowable, Paragraph):
        return [flowable]
    if isinstance(flowable, Table):
        cells = [cell for row in flowable._cellvalues for cell in row]
        return [p for cell in cells for p in paragraphs_in(cell)]
    if isinstance(flowable, list | tuple):
        return [p for part in flowable for p in paragraphs_in(part)]
    return []


def lines_of(flowable: Flowable) -> list[list[str]]:
    """The broken lines of every paragraph in a wrapped flowable, paragraph by paragraph."""
    return [[_text(line) for line in p.blPara.lines] for p in paragraphs_in(flowable)]


def _text(line: object) -> str:
    """A broken line's text: words (plain paragraphs) or fragments (with markup)."""
    if isinstance(line, tuple):
        return " ".join(line[1])
    return "".join(frag.text for frag in line.words).strip()


def split_units(paragraph_lines: list[str]) -> list[tuple[str, str]]:
    return [
        (before, after)
        for before, after in zip(paragraph_lines, paragraph_lines[1:], strict=False)
        if re.search(r"\d$", before) and UNIT_START.match(after)
    ]


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("programme", PROGRAMMES)
def test_no_number_is_parted_from_its_unit(
    builder: Builder, programme: str, large_print: bool, paper: str
) -> None:
    """ "rest 60" / "s" on the next line reads as a different dose."""
    options = Options(large_print=large_print, paper=paper)
    handout, theme = handout_and_theme(builder, programme, options)
    tables = [workout_table(theme, handout)[-1]]
    width = theme.frame_width() - 8 * mm  # a card's text column: the frame less its padding
    tables += [dose_table(theme, handout, exercise, width) for exercise in handout.exercises]
    for table in tables:
        table.wrap(theme.frame_width(), theme.frame_height())
        for cell in lines_of(table):
            assert not split_units(cell), (programme, cell)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("programme", PROGRAMMES)
def test_workout_table_breaks_no_word(
    builder: Builder, programme: str, large_print: bool, paper: str
) -> None:
    """A column narrower than a word breaks it mid-word: "As nee" / "ded" under Rest."""
    handout, theme = handout_and_theme(
        builder, programme, Options(paper=paper, large_print=large_print)
    )
    table = workout_table(theme, handout)[-1]
    table.wrap(theme.frame_width(), theme.frame_height())
    for paragraph, lines in zip(paragraphs_in(table), lines_of(table), strict=True):
        plain = html.unescape(re.sub(r"<[^>]*>", " ", paragraph.text))  # <br/> parts words
        words = set(plain.replace("\u00a0", " ").split())
        printed = set(" ".join(lines).replace("\u00a0", " ").split())
        assert printed <= words, (programme, printed - words)


def test_tips_heading_has_the_space_above_of_the_steps_heading(builder: Builder) -> None:
    """Side by side in a table, "Tips" lost the gap every other card heading has above it."""
    handout, theme = handout_and_theme(builder, PROGRAMMES[0], Options())
    exercise = handout.exercises[0]
    assert exercise.cues and exercise.mistakes  # the two-column case
    tips = _tips_and_mistakes(theme, exercise, exercise.id, theme.frame_width() - 8 * mm)
    assert tips[0].getSpaceBefore() == theme["card_h3"].spaceBefore > 0


def test_a_card_that_fits_a_page_stays_whole(builder: Builder) -> None:
    """The gap above "Tips" never splits a card that fits a page without it (large print)."""
    handout, theme = handout_and_theme(builder, PROGRAMMES[0], Options(large_print=True))
    for exercise in handout.exercises:
        cards = exercise_card(theme, handout, exercise)
        if exercise.id == "seated-soleus-raise":  # a page tall by a hair, in large print on A4
            assert len(cards) == 1


def _first_cell_text(table: Table, row: int) -> str:
    return " ".join(p.getPlainText() for p in paragraphs_in(table._cellvalues[row][0]))


@pytest.fixture(
    params=[(p, large) for p in PROGRAMMES for large in (False, True)],
    ids=lambda param: f"{param[0]}-{'large' if param[1] else 'normal'}",
)
def on_a4(request: pytest.FixtureRequest, builder: Builder) -> tuple[Handout, Theme]:
    """Each built-in programme on A4, in normal and in large print."""
    programme, large_print = request.param
    return handout_and_theme(builder, programme, Options(large_print=large_print))


def test_a_block_of_weeks_split_over_pages_repeats_its_label(
    on_a4: tuple[Handout, Theme],
) -> None:
    """Rows at the top of a page under only the column headings read as if they had no weeks."""
    handout, theme = on_a4
    table = workout_table(theme, handout)[-1]
    width = theme.frame_width()
    _, height = table.wrap(width, theme.frame_height())
    labels = [phase.label for phase in handout.phases]
    for available in range(40, int(height), 15):  # every place a page could end
        parts = table.split(width, available)
        for part in parts[1:]:
            # The column headings, then the label of the weeks its rows belong to.
            assert _first_cell_text(part, 1).startswith(tuple(labels)), (available, part)


def test_a_table_continued_over_three_pages_repeats_only_the_current_label(
    on_a4: tuple[Handout, Theme],
) -> None:
    """A continued part split again where a block ends repeated the last page's label
    above the next block's ("Weeks 1–2", then "Weeks 3–4" with no rows between: on A5)."""
    handout, theme = on_a4
    table = workout_table(theme, handout)[-1]
    width = theme.frame_width()
    labels = tuple(phase.label for phase in handout.phases)
    checked = 0
    for available in range(60, int(theme.frame_height()), 20):
        for part in table.split(width, available)[1:]:
            _, height = part.wrap(width, theme.frame_height())
            for again in range(60, int(height), 20):
                for last in part.split(width, again)[1:]:
                    assert _first_cell_text(last, 1).startswith(labels)
                    assert not _first_cell_text(last, 2).startswith(labels), (available, again)
                    checked += 1
    assert checked > 10


def test_the_default_handout_labels_the_weeks_on_the_tables_second_page(
    builder: Builder,
) -> None:
    _, pdf = builder.build(Request(Selection("soleus-strength-runners")))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    table_pages = [text for text in pages if "Exercise" in text and "Tempo" in text]
    assert len(table_pages) >= 2  # the case this checks: the table goes over a page
    assert all("Weeks " in text for text in table_pages)


def test_tracking_targets_stay_readable_and_inside_their_rows(
    on_a4: tuple[Handout, Theme],
) -> None:
    """ "L1 · 3×12–15 steps/leg" was shrunk to 5.5 pt; now it wraps and its row grows."""
    handout, theme = on_a4
    geometry, _ = measure(theme, handout)
    room = geometry.week_width(handout.sessions_per_week) - 2 * mm
    grids = [f for f in tracking_grid(theme, handout) if isinstance(f, TrackingGrid)]
    assert grids
    for grid in grids:
        for row, height in zip(grid._cellvalues, grid._argH, strict=True):
            targets = [c for c in paragraphs_in(row) if "×" in c.getPlainText()]
            for target in targets:
                assert target.style.fontSize >= theme.small_size >= 10
                assert target.wrap(room, 1e6)[1] <= height + 0.01, target.getPlainText()


@pytest.mark.parametrize("paper", ["a4", "letter", "a5"])
@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.parametrize("programme", PROGRAMMES)
def test_card_dose_table_breaks_no_word(
    builder: Builder, programme: str, large_print: bool, paper: str
) -> None:
    """A level column narrower than a word broke it mid-word on A5: "Bo" / "dyweight"."""
    handout, theme = handout_and_theme(
        builder, programme, Options(paper=paper, large_print=large_print)
    )
    width = theme.frame_width() - 8 * mm  # a card's text column: the frame less its padding
    for exercise in handout.exercises:
        table = dose_table(theme, handout, exercise, width)
        table.wrap(width, theme.frame_height())
        for paragraph, lines in zip(paragraphs_in(table), lines_of(table), strict=True):
            plain = html.unescape(re.sub(r"<[^>]*>", " ", paragraph.text))
            words = set(plain.replace("\u00a0", " ").split())
            printed = set(" ".join(lines).replace("\u00a0", " ").split())
            assert printed <= words, (programme, exercise.id, printed - words)
