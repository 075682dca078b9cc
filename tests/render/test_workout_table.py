"""The workout table: dosages by week, headings, repeated header rows."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from handout_pdf import (
    GRID_IDS,
    TABLE_HEADER,
    Built,
    Variants,
    build,
)
from reportlab.platypus import Paragraph

from handouts.build import Builder
from handouts.compose import Options, Selection
from handouts.render.workout_table import (
    TABLE_COLUMNS,
    TABLE_PAD,
    TABLE_WEIGHTS,
    table_widths,
)

# -- page one --


SAMPLE_WEEKS_1_2 = [  # source B's sample table: name, then sets reps tempo rest
    ("Bent-knee calf raise", "3 15 2 s up / 2 s down 45 s"),
    ("Seated soleus raise", "3 10–12 3 s up / 3 s down 60 s"),
    ("Single-leg eccentric lower", "2 8 per leg 1 s up / 4 s down 60 s"),
    ("Resistance-band soleus press", "2 15 Controlled 30 s"),
    ("Wall soleus stretch", "3 30 s hold Static None"),
]


def table_text(built: Built) -> str:
    """The text from the "Your programme" heading to the first exercise card."""
    start = built.pages_with("Your programme")[0]
    cards = built.pages_with("Your exercises")[0]
    text = " ".join(built.pages[start - 1 : cards])
    return text[text.find("Your programme") : text.find("Your exercises")]


def test_workout_table_has_the_sample_dosages_for_weeks_1_and_2(default: Built) -> None:
    text = table_text(default)
    assert TABLE_HEADER in text
    phases = [  # each block dated from the patient's start, 2 March
        "Weeks 1–2 · 2–15 Mar · Build the base",
        "Weeks 3–4 · 16–29 Mar · One leg",
        "Weeks 5–6 · 30 Mar–12 Apr · Add weight",
    ]
    positions = [text.find(phase) for phase in phases]
    assert -1 not in positions and positions == sorted(positions)
    weeks_1_2 = text[positions[0] : positions[1]]
    for name, dose in SAMPLE_WEEKS_1_2:
        # The dose cells follow the name (and its level and position) in the same row.
        assert re.search(re.escape(name) + r".{0,200}? " + re.escape(dose) + " ", weeks_1_2), name


def test_workout_table_headings_are_never_broken_mid_word(
    builder: Builder, variants: Variants, default: Built
) -> None:
    # "Sets" printed as "Set" / "s" in large print, where its 6 % column was too narrow.
    large = variants["large-print"]
    assert TABLE_HEADER in table_text(large)
    handout = default.handout
    for options in (Options(), Options(large_print=True), Options(paper="letter")):
        theme = builder.theme(handout.brand, handout.logo, options)
        # A wider typeface (a clinic's own) behaves like a larger size of this one.
        wide = replace(
            theme,
            styles={
                **theme.styles,
                "cell_head": theme["cell_head"].clone(
                    "wide", fontSize=theme["cell_head"].fontSize * 1.4
                ),
            },
        )
        for each in (theme, wide):
            style, width = each["cell_head"], each.frame_width()
            widths = table_widths(each, width)
            assert sum(widths) == pytest.approx(width)
            for title, column in zip(TABLE_COLUMNS, widths, strict=True):
                heading = Paragraph(title, style)
                heading.wrap(column - 2 * TABLE_PAD, 1000)
                assert len(heading.blPara.lines) == len(title.split()), (title, options)
    # At normal size the widths are the designed weights.
    theme = builder.theme(handout.brand, handout.logo, Options())
    total = sum(TABLE_WEIGHTS)
    expected = [theme.frame_width() * w / total for w in TABLE_WEIGHTS]
    assert table_widths(theme, theme.frame_width()) == expected


def test_a_long_table_repeats_its_header_row_on_every_page(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS], weeks=12))
    first = built.pages_with("Your programme")[0]
    cards = built.pages_with("Your exercises")[0]
    table_pages = list(range(first, cards))
    assert len(table_pages) >= 2, "expected the table to span pages"
    for number in table_pages:
        assert TABLE_HEADER in built.pages[number - 1], number
    # Every row made it, in order.
    text = table_text(built)
    positions = [text.find(f"Grid drill {n:02d}") for n in range(1, 21)]
    assert -1 not in positions and positions == sorted(positions)
