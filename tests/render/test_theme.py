"""Brand colours, large print and ink saver."""

from __future__ import annotations

from pathlib import Path

import pytest
from handout_pdf import (
    Built,
    Variants,
    build,
    darkest_patch,
    norm,
)

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Options, Selection
from handouts.render.document import format_date


def text_colours(page) -> set[tuple[float, ...]]:  # noqa: ANN001 - a pypdf page
    """The fill colours (RGB) that text is shown in on a page's own content."""
    from pypdf.generic import ContentStream

    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    stack, found = [], set()
    content = ContentStream(page.get_contents(), page.pdf)
    for operands, operator in content.operations:
        if operator == b"q":
            stack.append(fill)
        elif operator == b"Q":
            fill = stack.pop()
        elif operator == b"rg":
            fill = tuple(round(float(v), 3) for v in operands)
        elif operator == b"g":
            fill = (round(float(operands[0]), 3),) * 3
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            found.add(fill)
    return found


def test_headings_in_a_light_brand_colour_are_darkened_to_read_on_white(
    builder: Builder, tmp_path: Path
) -> None:
    # The band switched to dark text, but titles, headings and "Weeks 1–2" stayed #66CCFF (1.8:1).
    from reportlab.lib.colors import Color

    from handouts.render.colours import contrast, tint
    from handouts.render.theme import WHITE

    brand = tmp_path / "sky.yaml"
    brand.write_text('name: Sky Physio\nprimary: "#66CCFF"\n', "utf-8")
    built = build(builder, Selection(DEFAULT_PROGRAMME), brand_file=brand)
    cards = built.pages_with("Your exercises")[0]
    pages = [text_colours(built.reader.pages[number - 1]) for number in (1, cards)]
    for colours in pages:  # title, headings, phase rows, card titles, step numbers
        assert all(contrast(Color(*rgb), WHITE) >= 4.5 for rgb in colours), colours
    theme = builder.theme(built.handout.brand, built.handout.logo, Options())
    assert 4.5 <= contrast(theme.primary_text, tint(theme.primary, 0.09)) < 4.7  # just enough
    assert all(tuple(round(c, 3) for c in theme.primary_text.rgb()) in c for c in pages)


def test_large_print_uses_larger_text(variants: Variants, default: Built) -> None:
    large = variants["large-print"]
    assert len(large.pages) > len(default.pages)
    assert large.handout.title in large.pages[0]
    assert "Page 1 of" in large.pages[0]


def page_bodies(built: Built) -> list[str]:
    """Each page's text without the header and footer."""
    brand, total = built.handout.brand, len(built.pages)
    frame = [brand.name, brand.website or "", " · ".join(brand.contact)]
    frame.append(f"{format_date(built.handout.date)} · {norm(brand.disclaimer)}")
    bodies = []
    for number, text in enumerate(built.pages, 1):
        for part in [*frame, f"Page {number} of {total}"]:
            text = text.replace(part, "", 1)
        bodies.append(norm(text))
    return bodies


@pytest.mark.parametrize(
    ("programme", "paper"),
    [(DEFAULT_PROGRAMME, "a4"), ("home-no-gym", "a4"), (DEFAULT_PROGRAMME, "letter")],
)
def test_large_print_has_no_empty_or_heading_only_pages(
    builder: Builder, variants: Variants, programme: str, paper: str
) -> None:
    # A card that fits a page alone once did not fit with the gap below it: an empty page
    # before it. "Your exercises" and its intro sentence (16 words) sat alone on a page when
    # the first card could not join them. On letter paper the gap after the workout table
    # went on to a page of its own.
    if (programme, paper) == (DEFAULT_PROGRAMME, "a4"):
        built = variants["large-print"]
    else:
        options = Options(large_print=True, paper=paper)
        built = build(builder, Selection(programme), options=options)
    for number, body in enumerate(page_bodies(built), 1):
        if "Your notes" in body:  # the back before the tracking sheet: lines to write on
            continue
        assert len(body.split()) > 20, (number, body)
    for exercise in built.handout.exercises:  # every card still whole on its page(s)
        assert len(built.pages_with(norm(exercise.steps[0]))) == 1, exercise.id


@pytest.mark.parametrize(
    ("programme", "paper"),
    [
        ("soleus-strength-runners", "letter"),
        ("achilles-eccentric", "a4"),
        ("home-no-gym", "a4"),
        ("inner-calf-circuit", "a4"),
    ],
)
def test_every_built_in_programme_builds_in_large_print(
    builder: Builder, programme: str, paper: str
) -> None:
    options = Options(large_print=True, paper=paper)
    built = build(builder, Selection(programme), options=options)
    assert built.handout.title in built.pages[0]


def test_ink_saver_has_no_large_filled_areas(
    builder: Builder, default: Built, variants: Variants, tmp_path: Path
) -> None:
    handout = default.handout
    theme = builder.theme(handout.brand, handout.logo, Options(ink_saver=True))
    assert theme.wash.hexval() == theme.accent_wash.hexval() == "0xffffff"
    # "Large filled area": a ~16 mm square that is more than half ink on average. The check
    # can see one (the normal header band); the tick-box grid's line work is well below it.
    assert darkest_patch(default.pdf, tmp_path, 1) < 128
    ink = variants["ink-saver"]
    for page in (1, *ink.tracking_pages(), len(ink.pages)):
        assert darkest_patch(ink.pdf, tmp_path, page) > 128, page
