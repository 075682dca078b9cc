"""CSV rosters: the header and rows of a spreadsheet export, with quoting mistakes explained."""

from __future__ import annotations

import bisect
import csv
import io
import re
from pathlib import Path
from typing import Any

from handouts.deliver.roster_model import EXTRA, Records, RosterError

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as csv and io.StringIO(newline="") split lines


def csv_records(text: str, path: Path) -> tuple[tuple[str, ...], Records]:
    header_line = next((line for line in LINE_BREAK.split(text) if line.strip()), "")
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
            record[EXTRA] = len(header)
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
    starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
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
        parts = LINE_BREAK.split(cell)
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


def _delimiter(header: str) -> str:
    """Column names never contain "," or ";", so the header line tells which one separates."""
    return ";" if header.count(";") > header.count(",") else ","
