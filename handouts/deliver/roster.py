"""Rosters for ``handouts batch``: CSV or YAML → validated rows, and safe output file names.

A roster is a CSV file (UTF-8 with or without a BOM; comma- or semicolon-separated,
detected from the header line; any line endings, CR-only too) or a YAML file holding
a list of mappings. The columns are :data:`COLUMNS`; only ``patient`` is required.
Other columns (an export's Phone or Ticket) are ignored with a warning, unless the
name looks like a misspelt column or a known alias (``name`` for ``patient``).

Problems are reported at two levels:

* the file as a whole (not UTF-8, bad YAML, an unclosed quote, a misspelt or
  duplicate column, no rows): :class:`RosterError`, one line, raised before
  anything is built;
* one row (a missing patient, level ``x``, start ``2026-02-30``): the row
  carries ``error`` naming the column(s), the batch reports it as a failed
  row and carries on with the others;
* one row's ``email`` (empty, ``n/a``): ``email_error``; only ``--email`` cares,
  and then the handout is built and only its message fails.

A row's number is where a person finds it: in a CSV the spreadsheet row (the
header is row 1, blank lines count, a value spanning lines is one row); in YAML
the line where the row's entry starts. Every YAML entry is a row of its own, even
when several start on one line (``[{patient: A}, {patient: B}]``) or one is repeated
by an alias (``- *r``): those rows are told apart by their place in the list,
``1 (entry 2)`` (see :attr:`RosterRow.label`).

Nothing here imports reportlab or pypdf.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from handouts.deliver.roster_columns import (
    alias_note,
    aliases,
    check_columns,
    ignored_warning,
    rename,
)
from handouts.deliver.roster_csv import LINE_BREAK, csv_records
from handouts.deliver.roster_model import COLUMNS, NotARoster, Roster, RosterError
from handouts.deliver.roster_rows import check_no_slashed_dates, row
from handouts.deliver.roster_yaml import yaml_records

CSV_SUFFIXES = (".csv",)
YAML_SUFFIXES = (".yaml", ".yml")


def read_roster(path: Path, date_format: str | None = None) -> Roster:
    """Read and check a CSV or YAML roster; raises :class:`RosterError` for file-level problems.

    ``date_format``: one of :data:`DATE_FORMATS`, how the start column writes its dates
    when not as YYYY-MM-DD.
    """
    path = Path(path)
    _check_suffix(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc.strerror or exc}") from None
    return parse_roster(raw, path, date_format)


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in CSV_SUFFIXES + YAML_SUFFIXES:
        raise NotARoster(f"{path}: a roster must be a .csv or .yaml file")


def parse_roster(raw: bytes, path: Path, date_format: str | None = None) -> Roster:
    """Check a roster's bytes (an upload, say); ``path`` names it, its suffix gives the format."""
    path = Path(path)
    _check_suffix(path)
    suffix = path.suffix.lower()
    text = _decode(raw, path)
    if suffix in CSV_SUFFIXES:
        columns, records = csv_records(text, path)
    else:
        columns, records = yaml_records(text, path)
    renamed = aliases(columns)
    if renamed:
        columns = tuple(renamed.get(name, name) for name in columns)
        records = [(n, rename(record, renamed)) for n, record in records]
    ignored = check_columns(columns, path)
    if suffix in CSV_SUFFIXES and "patient" not in columns:
        raise RosterError(f'{path}: no "patient" column (the header line names the columns)')
    if not records:
        raise RosterError(f"{path}: the roster has no rows")
    if date_format is None:
        check_no_slashed_dates(records, path)
    shared = Counter(number for number, _ in records)
    rows = [
        row(number, record, entry if shared[number] > 1 else 0, date_format)
        for entry, (number, record) in enumerate(records, start=1)
    ]
    warnings = (ignored_warning(path, ignored),) if ignored else ()
    notes = (alias_note(path, renamed),) if renamed else ()
    return Roster(path, tuple(c for c in columns if c in COLUMNS), rows, warnings, notes)


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = len(LINE_BREAK.findall(raw[: exc.start].decode("utf-8", "replace"))) + 1
        raise RosterError(
            f'{path}:{line}: not UTF-8 text; save the roster as UTF-8 (Excel: "CSV UTF-8")'
        ) from None
