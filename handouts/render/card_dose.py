"""An exercise card's dose table: weeks | level | dose, one row per block of weeks, each row
on one line where the width allows (level notes are in the workout table; under their row
when the handout has none)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table

from handouts.compose import Handout, Row
from handouts.content.models import Exercise
from handouts.render.blocks import keep_units, line_count, lower_first, para, styled
from handouts.render.tagging import data_table
from handouts.render.theme import MUTED, Theme

DOSE_PAD = 2 * mm  # between the dose table's columns


def dose_line(row: Row) -> str:
    dose = row.dose
    parts = [f"{dose.sets} × {dose.reps}"]
    parts += [dose.tempo] if dose.tempo else []
    if dose.rest and dose.rest.lower() != "none":
        parts.append(f"rest {lower_first(dose.rest)}")
    parts += [dose.load] if dose.load else []
    return " · ".join(parts)


def schedule(handout: Handout, exercise: Exercise) -> list[tuple[str, Row]]:
    """(weeks label, row) for each phase using the exercise, merging repeats."""
    lines: list[tuple[str, Row]] = []
    for phase in handout.phases:
        for row in phase.rows:
            if row.exercise.id != exercise.id:
                continue
            if lines and lines[-1][1].dose == row.dose:
                first = lines[-1][0].split("–")[0].removeprefix("Weeks ").removeprefix("Week ")
                lines[-1] = (f"Weeks {first}–{phase.weeks[1]}", row)
            else:
                lines.append((phase.label, row))
    return lines


def dose_table(theme: Theme, handout: Handout, exercise: Exercise, width: float) -> Table:
    """Weeks | level | dose, one row per block of weeks (level notes are in the workout table),
    each row on one line where the width allows."""
    where = f"exercise {exercise.id}"
    texts = []
    for weeks, row in schedule(handout, exercise):
        dose = dose_line(row) + (" · each side" if _each_side(row) else "")
        texts.append((weeks, f"Level {row.dose.level}: {row.dose.label}", keep_units(dose)))
    weeks_width = (
        max(_text_width(theme, "card_cell_bold", weeks) for weeks, _, _ in texts) + DOSE_PAD
    )
    rest = width - weeks_width
    level_width = _level_width(theme, texts, rest)
    notes = {} if handout.contents["table"] else _notes(handout, exercise)
    rows: list[list] = []
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), DOSE_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 0.4 * mm),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5 * mm),
    ]
    for weeks, level, dose in texts:
        if rows:  # a rule between blocks of weeks
            style.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 0.4, MUTED))
        rows.append(
            [
                para(theme, weeks, "card_cell_bold"),
                para(theme, level, "card_cell", where),
                para(theme, dose, "card_cell", where),
            ]
        )
        if weeks in notes:  # under the level and the dose, as the workout table has it
            rows.append(["", para(theme, notes[weeks], "card_cell", where), ""])
            style += [("SPAN", (1, len(rows) - 1), (2, len(rows) - 1))]
    table = Table(
        rows,
        colWidths=[weeks_width, level_width, rest - level_width],
        style=styled(theme, style),
        spaceAfter=1.2 * mm,
    )
    return data_table(table, header_rows=0)  # weeks, level, dose: one row per block of weeks


def _notes(handout: Handout, exercise: Exercise) -> dict[str, str]:
    """Each block of weeks' level notes ("Each leg. Do it after every run…"), by its label."""
    return {weeks: row.dose.notes for weeks, row in schedule(handout, exercise) if row.dose.notes}


def _text_width(theme: Theme, style: str, text: str) -> float:
    font = theme[style]
    return stringWidth(text.replace("\u00a0", " "), font.fontName, font.fontSize)


def _level_width(theme: Theme, texts: list[tuple[str, str, str]], rest: float) -> float:
    """The level column's width that gives the dose table the fewest lines (the narrowest
    of those): rows on one line where they fit."""
    cell = theme["card_cell"]
    space = stringWidth(" ", cell.fontName, cell.fontSize)
    words = {
        text: [stringWidth(word, cell.fontName, cell.fontSize) for word in text.split(" ")]
        for _, level, dose in texts
        for text in (level, dose)
    }

    def lines(text: str, column: float) -> int:
        """Lines of ``text`` broken at its spaces (not its no-break ones) to ``column``."""
        return line_count(words[text], space, column - DOSE_PAD)

    def table_lines(level_width: float) -> int:
        return sum(
            max(lines(level, level_width), lines(dose, rest - level_width))
            for _, level, dose in texts
        )

    # Each column holds its longest word: a narrower one breaks it ("Bo" / "dyweight").
    longest_level = max(max(words[level]) for _, level, _ in texts) + DOSE_PAD
    longest_dose = max(max(words[dose]) for _, _, dose in texts) + DOSE_PAD
    widths = [rest * n / 50 for n in range(10, 36)]
    whole = [w for w in widths if w >= longest_level and rest - w >= longest_dose]
    return min(whole or widths, key=lambda w: (table_lines(w), w))


def _each_side(row: Row) -> bool:
    """Whether the dose needs "each side": not when its reps say so ("8 per leg")."""
    return row.dose.per_side and " per " not in f" {row.dose.reps} "
