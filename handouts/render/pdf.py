"""Handout + Theme → PDF bytes: assemble the story in handout order and build it."""

from __future__ import annotations

import io
from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from handouts.compose import Handout
from handouts.render.cards import exercise_cards
from handouts.render.document import HandoutDoc, footer_paragraph
from handouts.render.grid import back_to_portrait, tracking_grid
from handouts.render.parts import (
    markdown_styles,
    page_one,
    progression_note,
    section,
    sources,
    workout_table,
)
from handouts.render.theme import Theme


def story(theme: Theme, handout: Handout, intro: str) -> list[Flowable]:
    parts = handout.parts
    flow: list[Flowable] = page_one(theme, handout, intro)
    if parts.table and handout.phases:
        table = workout_table(theme, handout)
        flow += table[:2] + progression_note(theme, handout) + table[2:]
    if parts.cards and handout.exercises:
        flow += [PageBreak()] + exercise_cards(theme, handout)
    if parts.sections and handout.sections:
        styles = markdown_styles(theme)
        flow += [PageBreak()]
        for item in handout.sections:
            flow += section(theme, item, styles)
    grid = tracking_grid(theme, handout) if parts.tracking else []
    tail = sources(theme, handout) if parts.sources else []
    flow += grid
    if grid and tail:
        flow += back_to_portrait()
    return flow + tail


def _fit_footer(theme: Theme, handout: Handout) -> Theme:
    """The theme, or a copy with a taller footer when a long disclaimer needs more lines.

    A copy, because the Builder caches themes: growing the shared one would make the
    next handout of a batch depend on the ones built before it.
    """
    _, height = footer_paragraph(theme, handout).wrap(theme.frame_width() - 30 * mm, 1000)
    needed = height + 5 * mm
    return replace(theme, footer_height=needed) if needed > theme.footer_height else theme


def metadata(handout: Handout) -> dict[str, str]:
    private = handout.options.private or not handout.patient.name
    title = handout.title if private else f"{handout.title}: {handout.patient.name}"
    keywords = f"exercise handout, {handout.id}"
    return {
        "title": title,
        "author": handout.brand.name,
        "subject": handout.summary or handout.title,
        "keywords": keywords,
        "creator": "handouts",
        "producer": "handouts",
        "lang": "en-GB",
    }


def render_pdf(theme: Theme, handout: Handout, intro: str) -> bytes:
    buffer = io.BytesIO()
    theme = _fit_footer(theme, handout)
    doc = HandoutDoc(buffer, theme, handout, **metadata(handout))
    doc.build(story(theme, handout, intro))
    if handout.options.fillable:
        from handouts.render.forms import embed_form_fonts

        base_font = theme.fonts.main.regular
        return embed_form_fonts(buffer.getvalue(), _pdf_font_name(base_font))
    return buffer.getvalue()


def _pdf_font_name(registered: str) -> str:
    """The BaseFont name reportlab wrote for a registered TTF (its PostScript name)."""
    from reportlab.pdfbase import pdfmetrics

    name = pdfmetrics.getFont(registered).face.name
    return name.decode() if isinstance(name, bytes) else name
