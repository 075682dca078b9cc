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

import bisect
import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError, UsageProblem
from handouts.wording import did_you_mean

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
# How a roster may write its dates besides YYYY-MM-DD; "01/12/2026" alone is never guessed.
DATE_FORMATS = ("DD/MM/YYYY", "MM/DD/YYYY")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
MISSPELLING_CUTOFF = 0.8  # "emial", "levle", "programe" match; "ticket", "status" do not
MAX_LEVEL = 20  # as ``handouts build --level``
CSV_SUFFIXES = (".csv",)
YAML_SUFFIXES = (".yaml", ".yml")
_EXTRA = object()  # key marking a CSV row with more values than the header has columns
_REPEATED = object()  # key listing the columns a YAML row names twice
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEVEL = re.compile(r"^\d+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as csv and io.StringIO(newline="") split lines


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


# --------------------------------------------------------------------------- reading


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
        columns, records = _csv_records(text, path)
    else:
        columns, records = _yaml_records(text, path)
    renamed = _aliases(columns)
    if renamed:
        columns = tuple(renamed.get(name, name) for name in columns)
        records = [(n, _renamed(record, renamed)) for n, record in records]
    ignored = _check_columns(columns, path)
    if suffix in CSV_SUFFIXES and "patient" not in columns:
        raise RosterError(f'{path}: no "patient" column (the header line names the columns)')
    if not records:
        raise RosterError(f"{path}: the roster has no rows")
    if date_format is None:
        _check_no_slashed_dates(records, path)
    shared = Counter(number for number, _ in records)
    rows = [
        _row(number, record, entry if shared[number] > 1 else 0, date_format)
        for entry, (number, record) in enumerate(records, start=1)
    ]
    warnings = (_ignored_warning(path, ignored),) if ignored else ()
    notes = (_alias_note(path, renamed),) if renamed else ()
    return Roster(path, tuple(c for c in columns if c in COLUMNS), rows, warnings, notes)


def _check_no_slashed_dates(records: Records, path: Path) -> None:
    """Refuse "01/12/2026" without a date format, once for the file: it is never guessed."""
    for number, record in records:
        value = record.get("start") if isinstance(record, dict) else None
        if isinstance(value, str) and _SLASH_DATE.match(value.strip()):
            raise RosterError(
                f"{path}:{number}: start {value.strip()!r}: is that day/month or month/day? "
                "Give --date-format DD/MM/YYYY or MM/DD/YYYY (or date_format: in handouts.yaml)"
            )


def _aliases(columns: tuple[str, ...]) -> dict[str, str]:
    """Header → known column, for each alias whose column the roster does not have already.

    Of two aliases of one column ("Name" and "Full name"), the first is read.
    """
    renamed: dict[str, str] = {}
    for name in columns:
        column = ALIASES.get(name)
        if column and column not in columns and column not in renamed.values():
            renamed[name] = column
    return renamed


def _renamed(record: Any, renamed: dict[str, str]) -> Any:
    if not isinstance(record, dict):
        return record
    return {renamed.get(key, key) if isinstance(key, str) else key: v for key, v in record.items()}


def _alias_note(path: Path, renamed: dict[str, str]) -> str:
    pairs = ", ".join(f'"{name}" as {column}' for name, column in renamed.items())
    return f"{path}: reading column {pairs}"


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK.findall(raw[: exc.start].decode("utf-8", "replace"))) + 1
        raise RosterError(
            f'{path}:{line}: not UTF-8 text; save the roster as UTF-8 (Excel: "CSV UTF-8")'
        ) from None


def _delimiter(header: str) -> str:
    """Column names never contain "," or ";", so the header line tells which one separates."""
    return ";" if header.count(";") > header.count(",") else ","


# --------------------------------------------------------------------------- CSV


def _csv_records(text: str, path: Path) -> tuple[tuple[str, ...], Records]:
    header_line = next((line for line in _LINE_BREAK.split(text) if line.strip()), "")
    delimiter = _delimiter(header_line)
    table = _csv_table(text, path, delimiter)
    table = [(n, line, cells) for n, line, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise RosterError(f"{path}: the roster is empty")
    header = [cell.strip().lower() for cell in table[0][2]]
    while header and not header[-1]:  # a trailing separator (spreadsheets add them)
        header.pop()
    if "" in header:
        raise RosterError(f"{path}: column {header.index('') + 1} has no name in the header line")
    records: Records = []
    for number, line, cells in table[1:]:
        _check_swallowed_rows(cells, line, header, delimiter, path)
        record: dict[Any, Any] = dict(zip(header, (c.strip() for c in cells), strict=False))
        if any(c.strip() for c in cells[len(header) :]):
            record[_EXTRA] = len(header)
        records.append((number, record))
    return tuple(header), records


def _csv_table(text: str, path: Path, delimiter: str) -> list[tuple[int, int, list[str]]]:
    """(spreadsheet row, file line where it starts, cells) of every row, blank ones too.

    ``strict`` makes a quote that is never closed an error: otherwise csv reads
    every later row into that one value, and they are silently lost.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table = []
    line = 1  # where the next row starts
    try:
        for cells in reader:
            table.append((len(table) + 1, line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RosterError(
            _quote_problem(text, line, delimiter, path)
            or f"{path}:{line}: not a readable CSV row: {exc}"
        ) from None
    return table


def _quote_problem(text: str, line: int, delimiter: str, path: Path) -> str | None:
    """Explain a quoting error in the row starting on ``line``, at the quote that caused it."""
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    quoted = re.compile(r'"(?:[^"]|"")*(")?')
    plain = re.compile(rf"[^{re.escape(delimiter)}\r\n]*")
    position = starts[line - 1]
    while position < len(text):
        if text[position] != '"':
            position = plain.match(text, position).end()
        else:
            match = quoted.match(text, position)
            opened = bisect.bisect_right(starts, position)
            if not match.group(1):
                return (
                    f"{path}:{opened}: a quoted value starts on this line and is never closed; "
                    'add the missing closing quote (")'
                )
            position = match.end()
            if text[position : position + 1] not in (delimiter, "\r", "\n", ""):
                closed = bisect.bisect_right(starts, position - 1)
                if closed == opened:
                    return (
                        f"{path}:{opened}: a quoted value has more text after its closing quote; "
                        'quote the whole value and write each quote inside it as ""'
                    )
                return (
                    f"{path}:{opened}: a quoted value starts on this line and runs on to a quote "
                    f'on line {closed}; add the missing closing quote (")'
                )
        if text[position : position + 1] != delimiter:
            return None  # the row ended without a quoting problem
        position += 1
    return None


def _check_swallowed_rows(
    cells: list[str], line: int, header: list[str], delimiter: str, path: Path
) -> None:
    """Refuse a value spanning lines that split into the header's cells: surely rows.

    An unclosed quote that a stray quote further down happens to close is valid CSV,
    and would print the rows in between in one patient's note. Whatever their values,
    lines with a cell per column are taken for rows: another patient's data in a
    handout is worse than asking for an odd multi-line note to be rewritten.
    """
    for cell in cells:
        parts = _LINE_BREAK.split(cell)
        for offset, part in enumerate(parts[1:], start=1):
            if _looks_like_row(part, len(header), delimiter):
                raise RosterError(
                    f"{path}:{line}: a quoted value starts on this line and runs on into "
                    f"line {line + offset}, which looks like a row of its own; "
                    'add the missing closing quote ("), or if the value really spans lines, '
                    f'put it on one line or take the "{delimiter}" out of its later lines'
                )
        line += len(parts) - 1


def _looks_like_row(text: str, columns: int, delimiter: str) -> bool:
    cells = next(csv.reader([text], delimiter=delimiter), [])
    while len(cells) > columns and not cells[-1].strip():  # a trailing separator
        cells.pop()
    return len(cells) == columns


# --------------------------------------------------------------------------- YAML


def _yaml_records(text: str, path: Path) -> tuple[tuple[str, ...], Records]:
    import yaml

    try:
        loader = _text_loader()(text)  # the reader refuses control characters up front
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_syntax_error(text, path, exc) from None
    if root is None:
        raise RosterError(f"{path}: the roster is empty")
    if not isinstance(root, yaml.SequenceNode):
        raise RosterError(f"{path}: a YAML roster must be a list of rows (- patient: ...)")
    from handouts.content.yamlsrc import expansion_problem

    if bomb := expansion_problem(root, str(path)):  # aliases that expand to gigabytes
        raise RosterError(str(bomb))
    records = [(node.start_mark.line + 1, _yaml_record(loader, node)) for node in root.value]
    keys = dict.fromkeys(k for _, r in records if isinstance(r, dict) for k in r if type(k) is str)
    return tuple(keys), records


@cache
def _text_loader() -> type:
    """A safe loader that reads every plain value as text (``~`` and empty stay null).

    Values are checked per row, so ``start: 2026-02-30`` fails its row instead of
    PyYAML's date constructor failing the file; ``patient: No`` stays a name.
    """
    import yaml

    class TextLoader(yaml.SafeLoader):
        pass

    TextLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag.endswith((":null", ":merge"))]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return TextLoader


def _yaml_record(loader: Any, node: Any) -> Any:
    """One row's mapping; a value with an explicit tag that fails (``!!int x``) is its text."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    try:
        loader.flatten_mapping(node)  # merge keys (<<: *defaults)
    except yaml.YAMLError:
        return None
    record: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _node_text(key_node).strip().lower()
        if key in record:
            record.setdefault(_REPEATED, []).append(key)
        try:
            record[key] = loader.construct_object(value_node, deep=True)
        except Exception:  # noqa: BLE001 - PyYAML's constructors raise many kinds on a bad tag
            record[key] = _node_text(value_node)
    return record


def _node_text(node: Any) -> str:
    """A YAML node as the text its author wrote, never PyYAML's ``ScalarNode(tag=…)``."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return "[" + ", ".join(_node_text(item) for item in node.value[:20]) + "]"
    return "{a mapping}"


def _yaml_syntax_error(text: str, path: Path, exc: Exception) -> RosterError:
    from handouts.content.yamlsrc import parse_yaml

    try:
        _, problems = parse_yaml(text, str(path))  # says PyYAML's messages in plain words
    except ValueError:
        problems = []
    if problems:
        return RosterError(str(problems[0]))
    mark = getattr(exc, "problem_mark", None)
    return RosterError(f"{path}:{mark.line + 1 if mark else 1}: not readable YAML")


# --------------------------------------------------------------------------- columns


def _check_columns(names: tuple[str, ...], path: Path) -> list[str]:
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


def _ignored_warning(path: Path, ignored: list[str]) -> str:
    names = ", ".join(f'"{name}"' for name in ignored)
    label, them = ("columns", "them") if len(ignored) > 1 else ("column", "it")
    return f"{path}: ignoring {label} {names} (handouts does not use {them})"


# --------------------------------------------------------------------------- one row


def _row(number: int, record: Any, entry: int = 0, date_format: str | None = None) -> RosterRow:
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
    problems += [f"{column}: given more than once" for column in record.get(_REPEATED, [])]
    if _EXTRA in record:
        problems.append(
            f"more values than the {record[_EXTRA]} columns of the header "
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
# Greek letter pairs ELOT 743 / ISO 843 spell as one sound: ου is "ou"; αυ, ευ, ηυ are
# "av", "ev", "iv" before a vowel or a voiced consonant and "af", "ef", "if" otherwise
# (Ευάγγελος → evangelos, Αυτός → aftos); γ before γ, ξ, χ is "n".
_GREEK_PAIRS = re.compile(r"ο[υύ]|([αεη])[υύ](?=([αεηιουωάέήίόύώϊϋΐΰβγδζλμνρ])?)|γ(?=[γξχ])")


def safe_name(text: str) -> str:
    """A file name stem that is safe on every file system, from a patient's name.

    Accents are folded to ASCII ("Zoë Łukasiewicz" → "zoe-lukasiewicz"),
    Cyrillic and Greek transliterated ("Ярослава" → "yaroslava", "Παπαδοπούλου" →
    "papadopoulou"); only
    ``a-z 0-9 - _`` remain, runs of anything else become one "-", and the
    result never starts with a dot or "-", never names a Windows device (CON,
    NUL, COM1…) and is at most :data:`MAX_NAME` characters. Nothing left gives
    :data:`FALLBACK_NAME`.
    """
    # Map whole letters first (й is "y", not и + breve), then strip accents, then map the
    # base letters that stripping revealed (Greek ά → α → "a").
    folded = _fold(_greek_pairs(unicodedata.normalize("NFC", text.lower())))
    decomposed = unicodedata.normalize("NFKD", folded)
    ascii_text = _fold("".join(c for c in decomposed if not unicodedata.combining(c)))
    # An apostrophe, or any mark with no ASCII spelling, splits words as a space does:
    # O'Brien → o-brien, O’Brien the same, never obrien.
    ascii_text = re.sub(r"[^\x00-\x7f]", " ", ascii_text).lower()
    name = re.sub(r"[^a-z0-9_]+", "-", ascii_text)
    name = re.sub(r"[-_]{2,}", lambda m: "-" if "-" in m.group() else "_", name)
    name = name.strip("-_.")[:MAX_NAME].rstrip("-_.")
    if not name:
        return FALLBACK_NAME
    if name.split(".")[0] in _WINDOWS_RESERVED:
        name = f"{FALLBACK_NAME}-{name}"
    return name


def _greek_pairs(text: str) -> str:
    def spell(match: re.Match[str]) -> str:
        if match.group().startswith("ο"):
            return "ou"
        if match.group() == "γ":
            return "n"
        return _GREEK[match.group(1)] + ("v" if match.group(2) else "f")

    return _GREEK_PAIRS.sub(spell, text)


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
