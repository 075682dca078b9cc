"""Page-one block, the workout table, education sections and sources as flowables."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from handouts.compose import Handout
from handouts.content.models import Level, Section, Source
from handouts.render.document import format_date, mark
from handouts.render.fonts import escape_markup
from handouts.render.markdown import MarkdownStyles, markdown_to_flowables
from handouts.render.paragraph import Para
from handouts.render.theme import MUTED, WHITE, Theme

TABLE_COLUMNS = ("Exercise", "Position", "Sets", "Reps", "Tempo", "Rest", "Load")
TABLE_WEIGHTS = (24, 15, 6, 12, 17, 10, 16)  # relative column widths
TABLE_PAD = 1.5 * mm  # left and right padding of the workout table's cells


def para(
    theme: Theme, text: str, style: str = "body", where: str = "text", lines: bool = False
) -> Paragraph:
    """A Paragraph of user text: escaped (and font-switched) once, here at the leaf.

    ``lines``: keep the text's line breaks (a note typed as a list, one item a line).
    """
    names = theme.fonts.main.names  # the style's face, so fallback runs keep bold/italic
    face = next((f for f, name in names.items() if name == theme[style].fontName), "regular")
    parts = text.splitlines() if lines else [text]
    return Para("<br/>".join(theme.fonts.markup(part, where, face) for part in parts), theme[style])


def paragraphs(theme: Theme, text: str, style: str, where: str) -> list[Paragraph]:
    """Text with blank lines between paragraphs, as paragraphs that keep their line breaks."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    return [para(theme, block, style, where, lines=True) for block in blocks]


def heading(
    theme: Theme, title: str, level: int = 0, style: str = "h1", source: str | None = None
) -> Paragraph:
    return mark(para(theme, title, style, source or title), outline=(title, level), source=source)


def styled(theme: Theme, commands: list) -> TableStyle:
    """A TableStyle whose default cell font is the brand font: reportlab's is Helvetica."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), theme.fonts.main.regular), *commands])


def box(
    theme: Theme,
    content: list[Flowable],
    width: float,
    *,
    accent: bool = False,
    padding: float = 4 * mm,
) -> Table:
    """A soft panel (tinted fill; a border only in ink-saver mode)."""
    fill = theme.accent_wash if accent else theme.wash
    stripe = theme.accent if accent else theme.primary
    style = [
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("LINEBEFORE", (0, 0), (0, -1), 3, stripe),
    ]
    if theme.ink_saver:
        style.append(("BOX", (0, 0), (-1, -1), 0.6, stripe))
    return Table([[content]], colWidths=[width], style=styled(theme, style))


# -- page one -------------------------------------------------------------
def _patient_rows(handout: Handout) -> list[tuple[str, str]]:
    """Name and clinician; the plan's start, length and sessions when it has exercises."""
    patient = handout.patient
    rows = [("Name", patient.name or " "), ("Clinician", patient.clinician or " ")]
    if handout.exercises or patient.start:
        rows.append(("Start date", format_date(patient.start) if patient.start else " "))
    if handout.exercises:
        rows.append(("Length", f"{handout.weeks} weeks"))
        rows.append(("Sessions", f"{handout.sessions_label} a week"))
    return rows


def patient_block(theme: Theme, handout: Handout) -> Table:
    width = theme.frame_width()
    cells = [
        [para(theme, label, "label"), para(theme, value, "cell_bold", f"patient {label.lower()}")]
        for label, value in _patient_rows(handout)
    ]
    # Two label/value pairs per row: compact, and easy to fill in by hand when blank.
    rows = [
        cells[i] + (cells[i + 1] if i + 1 < len(cells) else ["", ""])
        for i in range(0, len(cells), 2)
    ]
    label_w = 28 * mm if theme.large_print else 22 * mm
    value_w = width / 2 - label_w
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
        style.append(("BOX", (0, 0), (-1, -1), 0.6, theme.primary))
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
            para(theme, "A note from your clinician", "h3"),
            *paragraphs(theme, handout.patient.note, "callout", "patient note"),
        ]
        note_box = box(theme, note, theme.frame_width(), accent=True)
        story += [mark(note_box, source="the patient note"), Spacer(1, 5 * mm)]
    if handout.parts.intro and intro.strip():
        story += [
            mark(para(theme, block.strip(), "body", "introduction"), source="the introduction")
            for block in intro.split("\n\n")
            if block.strip()
        ]
    return story


# -- the workout table ------------------------------------------------------
def lower_first(text: str) -> str:
    """Mid-line, "As needed" reads "as needed", "A band" "a band"; "RPE 7" keeps its capitals."""
    word = text.split(" ", 1)[0]
    if word == "A" or (word[:1].isupper() and word[1:].islower()):
        return text[0].lower() + text[1:]
    return text


# A number and its unit, or a dose's "×", stay on one line: "rest 60" / "s" misreads.
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:s|sec|min|kg|lb|km|m|cm|mm)\b|×|%)|(?<=×) (?=\d)")


def keep_units(text: str) -> str:
    """``text`` with no-break spaces between numbers and their units ("60 s", "3 × 15")."""
    return _UNIT_SPACE.sub("\u00a0", text)


def dose_cells(dose: Level) -> list[str]:
    """The workout table's dose cells, each number kept with its unit."""
    cells = [str(dose.sets), dose.reps, dose.tempo or "–", dose.rest or "–", dose.load or "–"]
    return [keep_units(cell) for cell in cells]


def _word_width(text: str, font: str, size: float) -> float:
    """Width of the widest word (no-break spaces join words) plus the cell's padding."""
    words = re.split(r"[^\S\u00a0]+", text)  # a no-break space joins its words
    widest = max(stringWidth(word, font, size) for word in words)
    return widest + 2 * TABLE_PAD + 0.1  # to spare: a word exactly as wide still breaks


def table_widths(theme: Theme, width: float, rows: Sequence[Sequence[str]] = ()) -> list[float]:
    """Column widths by TABLE_WEIGHTS, none narrower than its longest word.

    A word wider than its column is broken mid-word ("Set" / "s" in large print, "As nee" /
    "ded" in a Rest column): such a column gets the word's width and the others share what
    is left by weight. ``rows`` are the body's texts (one per column); their words count
    only while all of them fit across, the headings' always.
    """
    head, cell = theme["cell_head"], theme["cell"]
    needs = [_word_width(title, head.fontName, head.fontSize) for title in TABLE_COLUMNS]
    body = [
        max([needs[i], *(_word_width(row[i], cell.fontName, cell.fontSize) for row in rows)])
        for i in range(len(TABLE_COLUMNS))
    ]
    if sum(body) <= width:
        needs = body
    fixed: dict[int, float] = {}
    while True:
        free = width - sum(fixed.values())
        total = sum(w for i, w in enumerate(TABLE_WEIGHTS) if i not in fixed)
        widths = [fixed.get(i, free * w / total) for i, w in enumerate(TABLE_WEIGHTS)]
        narrow = {i: needs[i] for i, w in enumerate(widths) if w < needs[i]}
        if not narrow:
            return widths
        fixed.update(narrow)


def _body_texts(handout: Handout) -> list[list[str]]:
    """Each workout-table row's texts as its cells print them (the name column in plain)."""
    return [
        [row.exercise.name, row.exercise.position, *dose_cells(row.dose)]
        for phase in handout.phases
        for row in phase.rows
    ]


class WorkoutTable(Table):
    """The workout table: a block of weeks split over two pages repeats its label on the second.

    Without it the rows at the top of the next page read as if they had no weeks at all.
    """

    def _splitRows(self, availHeight: float, doInRowSplit: int = 0) -> list:  # noqa: N802, N803
        parts = super()._splitRows(availHeight, doInRowSplit)
        if len(parts) != 2:
            return parts
        first_after = len(parts[0]._cellvalues)  # the row the second part starts with
        label = max((i for i in range(first_after) if self._is_phase(i)), default=0)
        if not label or self._is_phase(first_after):
            return parts
        header = self.repeatRows
        self.repeatRows = (0, label)  # the column headings, then the label
        try:
            return super()._splitRows(availHeight, doInRowSplit)
        finally:
            self.repeatRows = header

    def _is_phase(self, row: int) -> bool:
        cell = self._cellvalues[row][0]  # reportlab holds a flowable cell as a tuple of one
        first = cell[0] if isinstance(cell, (list, tuple)) and cell else cell
        return getattr(getattr(first, "style", None), "name", "") == "phase"


def workout_table(theme: Theme, handout: Handout) -> list[Flowable]:
    widths = table_widths(theme, theme.frame_width(), _body_texts(handout))
    head = [para(theme, title, "cell_head") for title in TABLE_COLUMNS]
    rows: list[list] = [head]
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, theme.wash if not theme.ink_saver else MUTED),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6 * mm),
        ("LEFTPADDING", (0, 0), (-1, -1), TABLE_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), TABLE_PAD),
    ]
    style += (
        [("LINEBELOW", (0, 0), (-1, 0), 1.2, theme.primary)]
        if theme.ink_saver
        else [("BACKGROUND", (0, 0), (-1, 0), theme.primary)]
    )
    for phase in handout.phases:
        title = phase.label + (f" · {phase.title}" if phase.title else "")
        rows.append([para(theme, title, "phase", "phase title")] + [""] * 6)
        index = len(rows) - 1
        style += [
            ("SPAN", (0, index), (-1, index)),
            ("LINEBELOW", (0, index), (-1, index), 0.8, theme.primary),
        ]
        style.append(("NOSPLIT", (0, index), (-1, index + 1)))
        if not theme.ink_saver:
            style.append(("BACKGROUND", (0, index), (-1, index), theme.wash))
        for row in phase.rows:
            where = f"exercise {row.exercise.id}"
            name = (
                f"<b>{theme.fonts.markup(row.exercise.name, where, 'bold')}</b><br/>"
                f'<font size="{theme.small_size}" color="#5A636B">Level {row.dose.level}: '
                f"{theme.fonts.markup(row.dose.label, where)}</font>"
            )

            cells = [
                Para(name, theme["cell"]),
                para(theme, row.exercise.position, "cell", where),
            ]
            cells += [para(theme, text, "cell", where) for text in dose_cells(row.dose)]
            rows.append(cells)
            if row.dose.notes:  # the level's notes on a full-width line under its row
                rows.append([para(theme, row.dose.notes, "note", where)] + [""] * 6)
                index = len(rows) - 1
                style += [
                    ("SPAN", (0, index), (-1, index)),
                    ("TOPPADDING", (0, index), (-1, index), 0),
                ]
                style.append(("LINEBELOW", (0, index - 1), (-1, index - 1), 0, WHITE))
                style.append(("NOSPLIT", (0, index - 1), (-1, index)))
    # The gap below is space after, which a frame drops at the foot of a page; a Spacer
    # there would go on to the next page, and before the page break of the cards leave
    # it empty (large print on letter paper).
    table = WorkoutTable(
        rows, colWidths=widths, repeatRows=1, style=styled(theme, style), spaceAfter=4 * mm
    )
    title = heading(theme, "Your programme", source="the workout table")
    title.keepWithNext = (
        0  # the table may start here and split; a break below keeps the title company
    )
    return [CondPageBreak(60 * mm), title, table]


def progression_note(theme: Theme, handout: Handout) -> list[Flowable]:
    if len(handout.phases) < 2:
        return []
    text = (
        "Move on to the next block of weeks only when every set feels controlled and your "
        "pain stays within the rule on the tracking sheet. If not, stay on the level you are "
        "on and ask your clinician."
    )
    note = box(theme, [para(theme, text, "callout")], theme.frame_width())
    note.spaceAfter = 4 * mm  # not a Spacer: see workout_table
    return [note]


# -- education sections and sources -------------------------------------------
def markdown_styles(theme: Theme) -> MarkdownStyles:
    return MarkdownStyles(
        body=theme["body"],
        h2=theme["h2"],
        h3=theme["h3"],
        bullet=theme["bullet"],
        table_header=theme["cell_head"],
        table_cell=theme["cell"],
        callout=theme["callout"],
        rule_colour=theme.primary,
        callout_fill=theme.accent_wash,
        callout_border=theme.accent,
        table_header_fill=theme.primary if not theme.ink_saver else WHITE,
        grid_colour=MUTED,
        link_colour=_hex(theme.primary_text),
        escape=theme.fonts.markup,
        ink_saver=theme.ink_saver,
        page_height=theme.frame_height(),
    )


def section(theme: Theme, item: Section, styles: MarkdownStyles) -> list[Flowable]:
    source = f"section {item.id}"
    body = markdown_to_flowables(
        item.body,
        styles,
        source=item.id,
        first_line=item.body_line,
        available_width=theme.frame_width(),
    )
    for flowable in body:
        mark(flowable, source=source)
    return [
        CondPageBreak(theme.frame_height() / 4),
        heading(theme, item.title, 0, source=source),
        *body,
    ]


def _source_text(theme: Theme, item: Source) -> str:
    markup = theme.fonts.markup
    # The parts are joined with ". ", so an author ending in "et al." keeps one full stop.
    parts = [markup(item.author.rstrip("."), "source")] if item.author else []
    parts.append(f"<i>{markup(item.title, 'source', 'italic')}</i>")
    details = [str(item.year)] if item.year else []
    details += [item.publisher] if item.publisher else []
    parts += [markup(", ".join(details), "source")] if details else []
    # An href is an attribute, not text: plain XML escaping (markup may add <font> tags).
    colour = _hex(theme.primary_text)
    if item.doi:
        href = escape_markup(f"https://doi.org/{item.doi}")
        parts.append(f'<a href="{href}" color="{colour}">doi:{markup(item.doi, "source")}</a>')
    if item.url:
        href = escape_markup(item.url)
        parts.append(f'<a href="{href}" color="{colour}">{markup(item.url, "source")}</a>')
    return ". ".join(parts)


def _hex(colour) -> str:  # noqa: ANN001 - reportlab Color
    return "#" + colour.hexval()[2:]


def sources(theme: Theme, handout: Handout) -> list[Flowable]:
    if not handout.sources:
        return []
    items = [
        ListItem(Para(_source_text(theme, item), theme["small"]), value=index)
        for index, item in enumerate(handout.sources, start=1)
    ]
    listing = ListFlowable(
        items,
        bulletType="1",
        bulletFontName=theme.fonts.main.regular,
        bulletFontSize=theme.small_size,
        leftIndent=8 * mm,
    )
    intro = para(theme, "The facts and numbers in this handout come from these sources.", "small")
    return [
        CondPageBreak(theme.frame_height() / 3),
        heading(theme, "Sources", source="the sources"),
        KeepTogether([intro, Spacer(1, 2 * mm)]),
        listing,
    ]
