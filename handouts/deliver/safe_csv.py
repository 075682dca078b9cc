"""CSV files a spreadsheet opens safely: no cell is ever run as a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-``
or ``@`` (and some with a tab or a line break before it) as a formula: a patient
named ``=HYPERLINK(...)`` would become a link that sends data away. As OWASP
advises, such a cell is prefixed with ``'``, which spreadsheets show as text.
Every CSV the project writes goes through :func:`csv_bytes`.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence

FORMULA_STARTS = frozenset("=+-@")


def neutralise(cell: str) -> str:
    """``cell`` as text a spreadsheet will show, never run.

    Leading blanks and control characters are looked past (" =1+1" and "\\t=1+1" run
    in some programs), and full-width forms ("＝") count as the ASCII ones.
    """
    if cell[:1] in ("\t", "\r"):  # OWASP's list: these start a formula in some programs
        return "'" + cell
    start = cell.lstrip(" \t\r\n\x0b\x0c")
    if start and unicodedata.normalize("NFKC", start[0]) in FORMULA_STARTS:
        return "'" + cell
    return cell


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole CSV file: UTF-8 with a BOM (spreadsheets then show accents), CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([neutralise(str(cell)) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
