"""Rosters for ``handouts batch``: CSV or YAML → validated rows, and safe output file names.

A roster is a CSV file (UTF-8 with or without a BOM; comma- or semicolon-separated,
detected from the header line) or a YAML file holding a list of mappings. The
columns are :data:`COLUMNS`; only ``patient`` is required.

Problems are reported at two levels:

* the file as a whole (not UTF-8, bad YAML, an unknown or duplicate column, no
  rows): :class:`RosterError`, one line, raised before anything is built;
* one row (a missing patient, level ``x``, start ``31/02/2026``): the row
  carries ``error`` naming the column(s), the batch reports it as a failed
  row and carries on with the others.

Rows are numbered 1, 2, 3… in roster order (a CSV header line is not a row).

Nothing here imports reportlab or pypdf.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError

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
MAX_LEVEL = 20  # as ``handouts build --level``
CSV_SUFFIXES = (".csv",)
YAML_SUFFIXES = (".yaml", ".yml")
_EXTRA = object()  # key marking a CSV row with more values than the header has columns
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEVEL = re.compile(r"^\d+$")


class RosterError(HandoutsError):
    """The roster file cannot be used at all; nothing is built."""


@dataclass(frozen=True)
class RosterRow:
    """One patient: the values the batch needs, already checked.

    ``error`` is set when the row cannot be built (it names the column); the
    other values are then best effort (for the report's ``patient`` column).
    """

    number: int  # 1-based position in the roster
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


@dataclass(frozen=True)
class Roster:
    path: Path
    columns: tuple[str, ...]
    rows: list[RosterRow]


# --------------------------------------------------------------------------- reading


def read_roster(path: Path) -> Roster:
    """Read and check a CSV or YAML roster; raises :class:`RosterError` for file-level problems."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + YAML_SUFFIXES:
        raise RosterError(f"{path}: a roster must be a .csv or .yaml file")
    text = _read_text(path)
    if suffix in CSV_SUFFIXES:
        columns, records = _csv_records(text, path)
    else:
        columns, records = _yaml_records(text, path)
    if not records:
        raise RosterError(f"{path}: the roster has no rows")
    rows = [_row(number, record) for number, record in enumerate(records, start=1)]
    return Roster(path, columns, rows)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RosterError(
            f'{path}:{line}: not UTF-8 text; save the roster as UTF-8 (Excel: "CSV UTF-8")'
        ) from None


def _delimiter(header: str) -> str:
    """Column names never contain "," or ";", so the header line tells which one separates."""
    return ";" if header.count(";") > header.count(",") else ","


def _csv_records(text: str, path: Path) -> tuple[tuple[str, ...], list[Any]]:
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    if not header_line:
        raise RosterError(f"{path}: the roster is empty")
    try:
        table = [row for row in csv.reader(io.StringIO(text), delimiter=_delimiter(header_line))]
    except csv.Error as exc:
        raise RosterError(f"{path}: not a readable CSV file: {exc}") from None
    table = [row for row in table if any(cell.strip() for cell in row)]  # blank lines
    header = [cell.strip().lower() for cell in table[0]]
    while header and not header[-1]:  # a trailing separator (spreadsheets add them)
        header.pop()
    if "" in header:
        raise RosterError(f"{path}: column {header.index('') + 1} has no name in the header line")
    _check_columns(header, path)
    if "patient" not in header:
        raise RosterError(f'{path}: no "patient" column (the header line names the columns)')
    records: list[Any] = []
    for cells in table[1:]:
        record: dict[str, Any] = dict(zip(header, (c.strip() for c in cells), strict=False))
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            record[_EXTRA] = len(header)
        records.append(record)
    return tuple(header), records


def _yaml_records(text: str, path: Path) -> tuple[tuple[str, ...], list[Any]]:
    from handouts.content.yamlsrc import parse_yaml

    doc, problems = parse_yaml(text, str(path))
    if problems or doc is None:
        raise RosterError(str(problems[0]) if problems else f"{path}: not readable YAML")
    data = doc.data
    if data is None:
        raise RosterError(f"{path}: the roster is empty")
    if not isinstance(data, list):
        raise RosterError(f"{path}: a YAML roster must be a list of rows (- patient: ...)")
    keys: list[str] = []
    for record in data:
        if isinstance(record, Mapping):
            keys += [
                str(key).strip().lower() for key in record if str(key).strip().lower() not in keys
            ]
    _check_columns(keys, path, duplicates=False)
    records = [
        {str(k).strip().lower(): v for k, v in r.items()} if isinstance(r, Mapping) else r
        for r in data
    ]
    return tuple(keys), records


def _check_columns(names: list[str], path: Path, duplicates: bool = True) -> None:
    unknown = [name for name in dict.fromkeys(names) if name not in COLUMNS]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            hints.append(f'"{name}"' + (f' (did you mean "{close[0]}"?)' if close else ""))
        label = "columns" if len(unknown) > 1 else "column"
        raise RosterError(
            f"{path}: unknown {label} {', '.join(hints)}; known columns: {', '.join(COLUMNS)}"
        )
    if duplicates:
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise RosterError(f"{path}: column {', '.join(repeated)} appears more than once")


# --------------------------------------------------------------------------- one row


def _row(number: int, record: Any) -> RosterRow:
    if not isinstance(record, Mapping):
        return RosterRow(number, error="not a mapping of column: value")
    problems: list[str] = []
    values: dict[str, Any] = {}
    for column in COLUMNS:
        if column in ("level", "start"):
            continue
        try:
            values[column] = _text(record.get(column), column)
        except ValueError as exc:
            problems.append(str(exc))
            values[column] = ""
    if not values["patient"]:
        problems.append("patient: missing (every row needs the patient's name)")
    if values["email"]:
        problem = _email_problem(values["email"])
        if problem:
            problems.append(problem)
    level = start = None
    try:
        level = _level(record.get("level"))
    except ValueError as exc:
        problems.append(str(exc))
    try:
        start = _start(record.get("start"))
    except ValueError as exc:
        problems.append(str(exc))
    if _EXTRA in record:
        problems.append(
            f"more values than the {record[_EXTRA]} columns of the header "
            "(a separator inside a value needs quotes)"
        )
    error = "; ".join(problems) or None
    return RosterRow(number, level=level, start=start, error=error, **values)


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


def _start(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"start: {text!r} is not a date (use YYYY-MM-DD, e.g. 2026-03-02)"
        ) from None


def _email_problem(address: str) -> str | None:
    from handouts.mail import check_address

    try:
        check_address(address, "email")
    except HandoutsError as exc:
        return exc.format_message()
    return None


# --------------------------------------------------------------------------- file names

MAX_NAME = 60  # characters before "-2" and ".pdf": short enough for every file system
FALLBACK_NAME = "handout"
_WINDOWS_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10)),
}  # fmt: skip
# Letters NFKD does not split into base letter + accent.
_LATIN = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŋ": "ng", "ĸ": "k", "ſ": "s",
}  # fmt: skip
# Cyrillic (Russian, Ukrainian, Belarusian, Bulgarian, Serbian) and Greek, letter by letter;
# the hard and soft signs have no sound of their own.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "є": "ye", "ї": "yi", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj",
    "ћ": "c", "џ": "dz",
}  # fmt: skip
_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
_FOLD = {**_LATIN, **_CYRILLIC, **_GREEK}


def safe_name(text: str) -> str:
    """A file name stem that is safe on every file system, from a patient's name.

    Accents are folded to ASCII ("Zoë Łukasiewicz" → "zoe-lukasiewicz"),
    Cyrillic and Greek transliterated ("Ярослава" → "yaroslava"); only
    ``a-z 0-9 - _`` remain, runs of anything else become one "-", and the
    result never starts with a dot or "-", never names a Windows device (CON,
    NUL, COM1…) and is at most :data:`MAX_NAME` characters. Nothing left gives
    :data:`FALLBACK_NAME`.
    """
    # Map whole letters first (й is "y", not и + breve), then strip accents, then map the
    # base letters that stripping revealed (Greek ά → α → "a").
    folded = _fold(unicodedata.normalize("NFC", text.lower()))
    decomposed = unicodedata.normalize("NFKD", folded)
    ascii_text = _fold("".join(c for c in decomposed if not unicodedata.combining(c)))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"['’`]", "", ascii_text)  # O'Brien → obrien, not o-brien
    name = re.sub(r"[^a-z0-9_]+", "-", ascii_text)
    name = re.sub(r"[-_]{2,}", lambda m: "-" if "-" in m.group() else "_", name)
    name = name.strip("-_.")[:MAX_NAME].rstrip("-_.")
    if not name:
        return FALLBACK_NAME
    if name.split(".")[0] in _WINDOWS_RESERVED:
        name = f"{FALLBACK_NAME}-{name}"
    return name


def _fold(text: str) -> str:
    return "".join(_FOLD.get(char, char) for char in text)


def unique_names(names: Iterable[str], suffix: str = ".pdf") -> list[str]:
    """File names from ``names`` (via :func:`safe_name`), made unique in order: a, a-2, a-3…

    Deterministic: the same roster always gives the same names, whatever fails.
    """
    used: set[str] = set()
    result = []
    for text in names:
        stem = safe_name(text)
        candidate, number = stem, 1
        while candidate in used:
            number += 1
            candidate = f"{stem}-{number}"
        used.add(candidate)
        result.append(candidate + suffix)
    return result
