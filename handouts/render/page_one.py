"""Page one's personal block: title, patient details, the clinician's note, the introduction."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from handouts.compose import Handout
from handouts.render.blocks import box, para, paragraphs, styled
from handouts.render.document import format_date, mark
from handouts.render.fields import TextField
from handouts.render.tagging import role
from handouts.render.theme import MUTED, Theme


def _patient_rows(handout: Handout) -> list[tuple[str, str]]:
    """Name and clinician; the plan's start, length and sessions when it has exercises."""
    patient = handout.patient
    clinician = handout.brand.roles.clinician
    rows = [("Name", patient.name or " "), (clinician.capitalize(), patient.clinician or " ")]
    if handout.exercises or patient.start:
        rows.append(("Start date", format_date(patient.start) if patient.start else " "))
    if handout.exercises:
        rows.append(("Length", f"{handout.weeks} weeks"))
        rows.append(("Sessions", f"{handout.sessions_label} a week"))
    return rows


def _value(theme: Theme, handout: Handout, label: str, value: str, width: float) -> Flowable:
    """A detail as printed; left blank in a fillable handout, a field to type it in."""
    if value.strip() or not handout.options.fillable:
        return para(theme, value, "cell_bold", f"patient {label.lower()}")
    height = theme["cell_bold"].leading + 2 * mm
    name = f"patient.{label.lower().replace(' ', '-')}"
    return TextField(name, width - 6 * mm, height, tooltip=f"Your {label.lower()}")


def patient_block(theme: Theme, handout: Handout) -> Table:
    width = theme.frame_width()
    label_w = 28 * mm if theme.large_print else 22 * mm
    value_w = width / 2 - label_w
    cells = [
        [para(theme, label, "label"), _value(theme, handout, label, value, value_w)]
        for label, value in _patient_rows(handout)
    ]
    # Two label/value pairs per row: compact, and easy to fill in by hand when blank.
    rows = [
        cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""])
        for i in range(0, len(cells), 2)
    ]
    style = [
        ("BACKGROUND", (0, 0), (-1, -1), theme.wash),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
        ("LINEBELOW", (1, 0), (1, -1), 0.5, MUTED),
        ("LINEBELOW", (3, 0), (3, -2), 0.5, MUTED),
    ]
    if theme.ink_saver:
        style.append(("BOX", (0, 0), (-1, -1), 0.6, theme.line))
    return Table(rows, colWidths=[label_w, value_w, label_w, value_w], style=styled(theme, style))


class Stack(Flowable):
    """Flowables one under the other as a single block, spaced as a frame would space them.

    Page one's personal part is one block so its height is known before anything
    is drawn: the shared pages are laid out once for that height.
    """

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__()
        self.parts = parts
        self._placed: list[tuple[Flowable, float, float, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._placed, y = [], 0.0
        for index, part in enumerate(self.parts):
            if index:
                y += part.getSpaceBefore()
            width, height = part.wrap(avail_width, avail_height)
            y += height
            self._placed.append((part, y, avail_width - width, height))
            y += part.getSpaceAfter()
        self.width, self.height = avail_width, y
        return self.width, self.height

    def largest_source(self) -> str:
        """What takes the most room (after ``wrap``), as its parts name it: the patient note,
        the introduction (all its paragraphs), the patient details box..."""
        room: dict[str, float] = {}
        for part, _, _, height in self._placed:
            if source := getattr(part, "_source", None):
                room[source] = room.get(source, 0.0) + height
        return max(room, key=room.__getitem__, default="page one")

    def draw(self) -> None:
        for part, bottom, slack, _ in self._placed:
            part.drawOn(self.canv, 0, self.height - bottom, _sW=slack)


def page_one_block(theme: Theme, handout: Handout, intro: str) -> Stack:
    """Title, patient details, the clinician's note and the introduction: what is personal."""
    block = Stack(page_one(theme, handout, intro))
    return mark(block, outline=(handout.title, 0), source="page one")


def page_one(theme: Theme, handout: Handout, intro: str) -> list[Flowable]:
    story: list[Flowable] = [
        mark(para(theme, handout.title, "title", "programme title"), source="the title"),
    ]
    if handout.summary:
        story.append(para(theme, handout.summary, "subtitle", "programme summary"))
    patient = mark(patient_block(theme, handout), source="the patient details box")
    story += [patient, Spacer(1, 6 * mm)]
    if handout.patient.note:
        note = [
            # under the title: H2, whatever its style
            role(para(theme, f"A note from your {handout.brand.roles.clinician}", "h3"), "H2"),
            *paragraphs(theme, handout.patient.note, "callout", "patient note"),
        ]
        note_box = box(theme, note, theme.frame_width(), accent=True)
        story += [mark(note_box, source="the patient note"), Spacer(1, 5 * mm)]
    return story + introduction(theme, handout, intro)


def introduction(theme: Theme, handout: Handout, intro: str) -> list[Flowable]:
    """The introduction's paragraphs (the clinic's template, filled in for the patient)."""
    if not handout.parts.intro:
        return []
    return [
        mark(para(theme, block.strip(), "body", "introduction"), source="the introduction")
        for block in intro.split("\n\n")
        if block.strip()
    ]


def safety_panel(theme: Theme, handout: Handout) -> list[Flowable]:
    """The programme's pain rule and the clinic's "stop and seek advice", said once and
    prominently on page one (not in every footer and card, where it buried each
    exercise's own safety note)."""
    parts: list[Flowable] = []
    if handout.exercises:
        parts += [
            role(para(theme, "Your pain rule", "h3"), "H2"),
            para(theme, handout.pain_rule, "callout", "pain rule"),
        ]
    parts.append(para(theme, handout.brand.disclaimer, "callout_bold", "brand disclaimer"))
    panel = mark(box(theme, parts, theme.frame_width(), accent=True), source="the pain rule")
    panel.spaceAfter = 4 * mm  # not a Spacer: a frame drops space after at a page's foot
    return [panel]
