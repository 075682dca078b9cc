"""The batch's print file (``--combine``), made from the bytes the batch itself built.

Each handout's PDF is kept, as it is built, in a :class:`Spool`: a temporary file
with no name (in the output folder, which the batch owns), so what goes into the
print file is exactly what was built or checked for this row, never whatever file
has that name in the folder by then. The print file is written from the spool one
handout at a time (:mod:`handouts.post.concat`): 5,000 rows need no more memory than one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@dataclass(frozen=True)
class Entry:
    """One handout of the print file."""

    index: int  # the row's place in the roster: the print file follows roster order
    title: str  # its bookmark ("Ann Okafor", or "Row 3" with --private)
    field_prefix: str  # keeps its form fields apart from the others'
    password: str = ""  # to open it, when the row's handout is encrypted


class Spool:
    """Handout PDFs by row, on disk rather than in memory (5,000 rows are gigabytes)."""

    def __init__(self, folder: Path) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed by close()
            dir=folder, prefix=".spool-"
        )
        self._where: dict[int, tuple[int, int]] = {}

    def add(self, index: int, pdf: bytes) -> None:
        self._file.seek(0, 2)
        self._where[index] = (self._file.tell(), len(pdf))
        self._file.write(pdf)

    def __contains__(self, index: int) -> bool:
        return index in self._where

    def read(self, index: int) -> bytes:
        offset, size = self._where[index]
        self._file.seek(offset)
        return self._file.read(size)

    def close(self) -> None:
        self._file.close()


def handouts_in_order(spool: Spool, entries: Sequence[Entry]) -> Iterator[bytes]:
    """Each entry's PDF, decrypted, one at a time."""
    from handouts.post.protect import decrypted

    for entry in entries:
        yield decrypted(spool.read(entry.index), entry.password)


def write_print_file(
    path: Path, spool: Spool, entries: Sequence[Entry], *, duplex: bool, password: str
) -> int:
    """Write the print file atomically, one handout at a time; returns its page count.

    Memory holds one handout at a time, however many rows the batch has.
    """
    from handouts.deliver.files import atomic_path
    from handouts.post.merge import concatenate

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(Path(os.path.realpath(path))) as tmp, open(tmp, "wb") as out:
        return concatenate(
            out,
            handouts_in_order(spool, entries),
            duplex=duplex,
            prefixes=[entry.field_prefix for entry in entries],
            titles=[entry.title for entry in entries],
            password=password,
        )
