"""Handout + Theme → PDF bytes: assemble the story in handout order and build it.

Page one's personal block (``page_one_block``) is drawn on a fresh canvas per
patient; everything after it is laid out once per programme, brand, options
and block height, recorded, and replayed (``render/replay.py``). Handouts with
form fields are laid out whole each time: their fields belong to the document.
"""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from handouts.compose import Handout
from handouts.content.models import Patient, Section
from handouts.errors import RenderError
from handouts.render.card_flow import exercise_cards
from handouts.render.document import HandoutDoc, footer_text_height
from handouts.render.page_one import introduction, page_one_block, safety_panel
from handouts.render.replay import Recording, RecordingCanvas, replay, seed
from handouts.render.sections import keep_closing_block, markdown_styles, section
from handouts.render.sources import sources
from handouts.render.theme import Theme
from handouts.render.tracker_flow import tracking_sheet
from handouts.render.workout_table import progression_note, workout_table

FOOTER_NUMBER_ROOM = 30 * mm  # "Page 88 of 88" and its gap, at the right of the footer


def shared_story(theme: Theme, handout: Handout) -> list[Flowable]:
    """Everything after page one's personal block: the same for every patient.

    In the order the reader needs it: the pain rule, how to read the plan, the plan,
    the cards, the education sections and the sources; the tracking sheet comes last.
    """
    contents = handout.contents
    flow: list[Flowable] = [Spacer(0, 0)]  # page one exists even when nothing else follows
    flow += safety_panel(theme, handout)
    styles = markdown_styles(theme)
    leading, rest = _sections_by_place(handout) if contents["sections"] else ([], [])
    if not (contents["table"] or contents["cards"]):  # no plan to put them before
        leading, rest = [], leading + rest
    for item in leading:
        flow += section(theme, item, styles)
    if contents["table"]:
        flow += workout_table(theme, handout)
    elif contents["cards"]:  # one exercise: its card is the plan, when to move on with it
        flow += progression_note(theme, handout)
    if contents["cards"]:
        flow += exercise_cards(theme, handout)  # it starts its own page
    if rest:
        for item in rest:
            flow += section(theme, item, styles)
    if contents["sources"]:
        listed = sources(theme, handout)
        if rest and len(listed) == 1:  # a short list, kept whole: never alone on its page
            flow = keep_closing_block(theme, flow, listed)
        flow += listed
    if contents["tracking"]:
        # In a booklet, on full-size sheets of its own after the folded pages.
        flow += tracking_sheet(theme, handout)
    return flow


def _sections_by_place(handout: Handout) -> tuple[list[Section], list[Section]]:
    """The sections that go before the workout table, and the others."""
    leading = [item for item in handout.sections if item.place == "before-table"]
    return leading, [item for item in handout.sections if item.place != "before-table"]


def _fit_footer(theme: Theme, handout: Handout) -> Theme:
    """The theme, or a copy with a taller footer when long contact lines need more lines.

    A copy, because the Builder caches themes: growing the shared one would make the
    next handout of a batch depend on the ones built before it. Kept on the theme per
    contact text, the same for every patient of a batch (a name never wraps the footer).
    """
    key = tuple(handout.brand.contact)
    if key not in theme.fitted_footers:
        width = theme.frame_width() - FOOTER_NUMBER_ROOM
        needed = footer_text_height(theme, handout, width)
        fitted = replace(theme, footer_height=needed) if needed > theme.footer_height else theme
        theme.fitted_footers[key] = fitted
    return theme.fitted_footers[key]


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


PAGE_ONE_GAP = 4 * mm  # between the personal block and what follows it


class Recordings:
    """The last few recordings of shared pages, by what they depend on."""

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._items: OrderedDict[tuple, Recording] = OrderedDict()

    def get(self, key: tuple, make: Callable[[], Recording]) -> Recording:
        if key in self._items:
            self._items.move_to_end(key)
        else:
            self._items[key] = make()
            if len(self._items) > self.keep:
                self._items.popitem(last=False)
        return self._items[key]


def _record(theme: Theme, handout: Handout, reserved: float) -> Recording:
    doc = HandoutDoc(io.BytesIO(), theme, handout, reserved=reserved, canvas_class=RecordingCanvas)
    doc.build(shared_story(theme, handout))
    return doc.canv.recording


def _shared(handout: Handout) -> Handout:
    """The handout as its shared pages see it: no patient, only the plan's start date
    (the workout table and the tracking sheet date their weeks)."""
    return replace(handout, patient=Patient(start=handout.patient.start))


def _shared_key(handout: Handout, reserved: float) -> tuple:
    """What the shared pages depend on: the handout without its patient, the block height.

    Pickled, not repr'd: a quarter of the time on the per-patient path, and a
    handout composed the same way always pickles to the same bytes.
    """
    return pickle.dumps(_shared(handout)), reserved


def _page_one(theme: Theme, handout: Handout, intro: str) -> tuple[Flowable, list[Flowable]]:
    """Page one's personal block (wrapped), and what flows on from it: nothing, or the
    introduction when the whole block is taller than the page (large print on A5)."""
    room = theme.first_frame_height() - PAGE_ONE_GAP
    block = page_one_block(theme, handout, intro)
    if block.wrap(theme.frame_width(), theme.frame_height())[1] <= room:
        return block, []
    shorter = page_one_block(theme, handout, "")
    if shorter.wrap(theme.frame_width(), theme.frame_height())[1] > room:
        # name what is too long, not what comes last
        raise RenderError(f"{block.largest_source()} does not fit on page one; shorten it")
    return shorter, introduction(theme, handout, intro)


def render_pdf(
    theme: Theme, handout: Handout, intro: str, recordings: Recordings | None = None
) -> bytes:
    theme = _fit_footer(theme, handout)
    block, flowing = _page_one(theme, handout, intro)
    reserved = block.height + PAGE_ONE_GAP
    buffer = io.BytesIO()
    doc = HandoutDoc(
        buffer, theme, handout, reserved=reserved, top_block=block, **metadata(handout)
    )
    # Form fields belong to one document, and an introduction that flows on is the
    # patient's: lay it all out.
    if handout.options.fillable or flowing:
        doc.build(flowing + shared_story(theme, handout))
        from reportlab.pdfbase import pdfmetrics

        from handouts.render.forms import embed_form_fonts

        regular = pdfmetrics.getFont(theme.fonts.main.regular)
        # Size 0: viewers fit typed text to each field, several lines in a Notes field.
        return embed_form_fonts(buffer.getvalue(), regular.face.filename, size=0)
    recordings = recordings or Recordings(keep=1)
    recording = recordings.get(
        _shared_key(handout, reserved),
        # Laid out without the patient: the recording is every patient's, and a name in it
        # (the footer's) would give its characters codes a build alone would not.
        lambda: _record(theme, _shared(handout), reserved),
    )
    canvas = doc.make_canvas(buffer)
    seed(canvas, recording)
    doc.draw_top_block(canvas, block)
    replay(canvas, recording)
    canvas.save()
    return buffer.getvalue()
