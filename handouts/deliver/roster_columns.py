"""A roster's header: known columns, common aliases read as them, misspellings refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handouts.deliver.roster_model import COLUMNS, RosterError
from handouts.wording import did_you_mean

# Headers of spreadsheets as they come (a club's or a booking system's export) that
# mean a known column: read as that column, with a one-line note.
ALIASES = {
    "name": "patient",
    "full name": "patient",
    "patient name": "patient",
    "athlete": "patient",
    "athlete name": "patient",
    "attendee": "patient",
    "attendee name": "patient",
    "participant": "patient",
    "client": "patient",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "start date": "start",
    "coach": "clinician",
}
MISSPELLING_CUTOFF = 0.8  # "emial", "levle", "programe" match; "ticket", "status" do not


def aliases(columns: tuple[str, ...]) -> dict[str, str]:
    """Header → known column, for each alias whose column the roster does not have already.

    Of two aliases of one column ("Name" and "Full name"), the first is read.
    """
    renamed: dict[str, str] = {}
    for name in columns:
        column = ALIASES.get(name)
        if column and column not in columns and column not in renamed.values():
            renamed[name] = column
    return renamed


def rename(record: Any, renamed: dict[str, str]) -> Any:
    if not isinstance(record, dict):
        return record
    return {renamed.get(key, key) if isinstance(key, str) else key: v for key, v in record.items()}


def alias_note(path: Path, renamed: dict[str, str]) -> str:
    pairs = ", ".join(f'"{name}" as {column}' for name, column in renamed.items())
    return f"{path}: reading column {pairs}"


def check_columns(names: tuple[str, ...], path: Path) -> list[str]:
    """The columns to ignore; raises for a misspelt, aliased or duplicate column."""
    unknown = [name for name in dict.fromkeys(names) if name not in COLUMNS]
    hints, ignored = [], []
    for name in unknown:
        # Only a column the roster lacks can be misspelt: beside "email", "email 2" is its own.
        missing = [column for column in COLUMNS if column not in names]
        # A typo keeps about the length: "clinic" is a clinic's name, not "clinician" misspelt.
        alike = [column for column in missing if abs(len(column) - len(name)) <= 2]
        hint = did_you_mean(name, alike, cutoff=MISSPELLING_CUTOFF)
        if hint:
            hints.append(f'"{name}"{hint}')
        else:
            ignored.append(name)
    if hints:
        label, them = ("columns", "them") if len(hints) > 1 else ("column", "it")
        raise RosterError(
            f"{path}: unknown {label} {', '.join(hints)}; rename or delete {them} "
            f"(known columns: {', '.join(COLUMNS)})"
        )
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        raise RosterError(f"{path}: column {', '.join(repeated)} appears more than once")
    return ignored


def ignored_warning(path: Path, ignored: list[str]) -> str:
    names = ", ".join(f'"{name}"' for name in ignored)
    label, them = ("columns", "them") if len(ignored) > 1 else ("column", "it")
    return f"{path}: ignoring {label} {names} (handouts does not use {them})"
