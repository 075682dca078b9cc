"""One roster row from its record: each value checked, each problem named by its column."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from handouts.deliver.roster_model import COLUMNS, EXTRA, REPEATED, Records, RosterError, RosterRow
from handouts.errors import HandoutsError

# How a roster may write its dates besides YYYY-MM-DD; "01/12/2026" alone is never guessed.
DATE_FORMATS = ("DD/MM/YYYY", "MM/DD/YYYY")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
MAX_LEVEL = 20  # as ``handouts build --level``
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEVEL = re.compile(r"^\d+$")


def row(number: int, record: Any, entry: int = 0, date_format: str | None = None) -> RosterRow:
    """The row numbered ``number``; its problems, all of them, are in ``error``."""
    if not isinstance(record, Mapping):
        return RosterRow(number, error="not a mapping of column: value", entry=entry)
    problems: list[str] = []
    values: dict[str, Any] = {}
    unread: dict[str, str] = {}
    for column in COLUMNS:
        if column in ("level", "start"):
            continue
        try:
            values[column] = _text(record.get(column), column)
        except ValueError as exc:
            problems.append(str(exc))
            values[column] = ""
            unread[column] = str(record.get(column))
    if not values["patient"]:
        problems.append("patient: missing (every row needs the patient's name)")
    level = start = None
    try:
        level = _level(record.get("level"))
    except ValueError as exc:
        problems.append(str(exc))
        unread["level"] = str(record.get("level")).strip()
    try:
        start = _start(record.get("start"), date_format)
    except ValueError as exc:
        problems.append(str(exc))
        unread["start"] = str(record.get("start")).strip()
    problems += [f"{column}: given more than once" for column in record.get(REPEATED, [])]
    if EXTRA in record:
        problems.append(
            f"more values than the {record[EXTRA]} columns of the header "
            "(a separator inside a value needs quotes)"
        )
    error = "; ".join(problems) or None
    email_error = _email_problem(values["email"])
    return RosterRow(
        number,
        level=level,
        start=start,
        error=error,
        email_error=email_error,
        entry=entry,
        unread=unread,
        **values,
    )


def _text(value: Any, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, list, dict, Mapping)):
        raise ValueError(f"{column}: must be text, not {value!r}")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split()) if column != "password" else str(value).strip()


def _level(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not _LEVEL.match(text) or not 1 <= int(text) <= MAX_LEVEL:
        raise ValueError(
            f"level: {text!r} is not a level (use a whole number from 1 to {MAX_LEVEL})"
        )
    return int(text)


def _start(value: Any, date_format: str | None = None) -> dt.date | None:
    """A start date: YYYY-MM-DD, or as ``date_format`` says; "01/12/2026" is never guessed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    slashed = _SLASH_DATE.match(text)
    try:
        if slashed and date_format in DATE_FORMATS:
            first, second, year = (int(part) for part in slashed.groups())
            day, month = (first, second) if date_format == "DD/MM/YYYY" else (second, first)
            return dt.date(year, month, day)
        if not _ISO_DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        wanted = f"{date_format} or YYYY-MM-DD" if date_format else "YYYY-MM-DD, e.g. 2026-03-02"
        raise ValueError(f"start: {text!r} is not a date (use {wanted})") from None


def _email_problem(address: str) -> str | None:
    from handouts.deliver.mail_message import check_address

    if not address:
        return "email: no address (needed for --email)"
    try:
        check_address(address, "email")
    except HandoutsError as exc:
        return exc.format_message()
    return None


def check_no_slashed_dates(records: Records, path: Path) -> None:
    """Refuse "01/12/2026" without a date format, once for the file: it is never guessed."""
    for number, record in records:
        value = record.get("start") if isinstance(record, dict) else None
        if isinstance(value, str) and _SLASH_DATE.match(value.strip()):
            raise RosterError(
                f"{path}:{number}: start {value.strip()!r}: is that day/month or month/day? "
                "Give --date-format DD/MM/YYYY or MM/DD/YYYY (or date_format: in handouts.yaml)"
            )
