"""What a roster reads into: its columns, its rows, and the error for a file that cannot be used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError, UsageProblem

COLUMNS = (
    "patient",
    "email",
    "programme",
    "level",
    "clinician",
    "start",
    "note",
    "brand",
    "password",
)
REQUIRED = ("patient",)
EXTRA = object()  # key marking a CSV row with more values than the header has columns
REPEATED = object()  # key listing the columns a YAML row names twice


class RosterError(HandoutsError):
    """The roster file cannot be used at all; nothing is built."""


class NotARoster(RosterError, UsageProblem):
    """The file given as the roster is not a spreadsheet or YAML list at all (exit 2)."""


@dataclass(frozen=True)
class RosterRow:
    """One patient: the values the batch needs, already checked.

    ``error`` is set when the row cannot be built (it names the column); the
    other values are then best effort (for the report's ``patient`` column).
    ``email_error`` says why ``email`` cannot be used (``n/a``, ``cat@gmail``): that
    matters only with ``--email``, and then fails the message, not the handout.
    """

    number: int  # the spreadsheet row (CSV) or the line of the entry (YAML)
    patient: str = ""
    email: str = ""
    programme: str = ""
    level: int | None = None
    clinician: str = ""
    start: dt.date | None = None
    note: str = ""
    brand: str = ""
    password: str = ""
    error: str | None = None
    email_error: str | None = None  # fails only the e-mail: the handout is still built
    entry: int = 0  # the entry's place in a YAML list, when its line starts other entries too
    # The text of each value that could not be read (level "x", start "2026-02-30"), as
    # written: a page that lets the user fix the row shows it, not an empty box.
    unread: Mapping[str, str] = field(default_factory=dict, hash=False)

    @property
    def label(self) -> str:
        """How the report names the row: "5", or "1 (entry 2)" for entries sharing a line."""
        return f"{self.number} (entry {self.entry})" if self.entry else str(self.number)


@dataclass(frozen=True)
class Roster:
    path: Path
    columns: tuple[str, ...]
    rows: list[RosterRow]
    warnings: tuple[str, ...] = ()  # e.g. the columns that are ignored
    notes: tuple[str, ...] = ()  # e.g. the headers read as a known column ("Full name")


Records = list[tuple[int, Any]]  # (row number, mapping of column → value)
