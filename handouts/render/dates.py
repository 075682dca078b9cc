"""The calendar dates of a plan's weeks, when the patient has a start date."""

from __future__ import annotations

import datetime as dt

from handouts.compose import Handout


def date_range(first: dt.date, last: dt.date) -> str:
    """ "7–20 Dec", "28 Dec–3 Jan": the month once when both days share it; a day keeps
    its month on its line (no-break spaces), and the range fits a tracker's week column."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day}\u00a0{last:%b}"
    return f"{first.day}\u00a0{first:%b}–{last.day}\u00a0{last:%b}"


def weeks_dates(handout: Handout, first_week: int, last_week: int | None = None) -> str:
    """The dates weeks ``first_week`` to ``last_week`` cover ("7–20 Dec"), or "" without
    a start date."""
    start = handout.patient.start
    if start is None:
        return ""
    first = start + dt.timedelta(weeks=first_week - 1)
    last = start + dt.timedelta(weeks=(last_week or first_week), days=-1)
    return date_range(first, last)
