"""A batch's jobs: the settings every row shares, one Job per roster row, a Result per job.

Jobs are small and picklable: they go to worker processes, and Results come back.
A job's ``fingerprint`` names the PDF it makes (row values and options: ``--resume``
reuses a PDF only for the same fingerprint); its ``message_key`` names its e-mail
(recipient, patient and row values, never the row's position or the options, so a
rebuilt or moved row is never mailed again).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.compose import Options
from handouts.deliver.batch_report import Status
from handouts.deliver.file_names import safe_name, unique_names
from handouts.deliver.roster_model import RosterRow


@dataclass(frozen=True)
class Settings:
    """What every row shares; sent once to each worker process."""

    out_dir: Path
    roster_dir: Path
    content_dirs: tuple[Path, ...] = ()
    include_builtin: bool = True
    cwd: Path = field(default_factory=Path.cwd)
    config: Path | None = None  # the handouts.yaml in use (found once, by the parent)
    brand_file: Path | None = None
    options: Options = Options(paper="")
    date: dt.date | None = None
    programme: str | None = None
    level: int | None = None
    weeks: int | None = None
    sessions: int | None = None
    password: str = ""
    attachments: tuple[bytes, ...] = ()
    booklet: bool = False
    resume: bool = False

    def shape(self) -> dict[str, Any]:
        """The options that shape every PDF (for the fingerprint); not the date unless given."""
        return {
            "brand": str(self.brand_file or ""),
            "options": self.options.__dict__,
            "date": self.date.isoformat() if self.date else "",
            "weeks": self.weeks,
            "sessions": self.sessions,
            "attachments": [hashlib.sha256(a).hexdigest() for a in self.attachments],
            "booklet": self.booklet,
        }


@dataclass(frozen=True)
class Job:
    """One row's handout to build: small and picklable, sent to a worker process."""

    index: int  # the row's place in the roster
    label: str  # how reports name the row: "5", or "1 (entry 2)" in a one-line YAML list
    name: str  # the PDF's file name in the output folder, unique in the batch
    field_prefix: str  # keeps its form fields apart in a print file ("h5")
    patient: str
    email: str
    programme: str
    level: int | None
    clinician: str
    start: dt.date | None
    note: str
    brand: str
    password: str
    fingerprint: str  # row values + options: --resume reuses a PDF only for the same
    message_key: str  # recipient + patient + row values: names the message in sent.log
    reuse: bool = False  # --resume found a PDF written for this fingerprint
    want_context: bool = False  # the message still has to go: send back its template values


@dataclass(frozen=True)
class Result:
    """What a worker sends back for one row."""

    index: int
    status: Status
    detail: str  # the file name, or the reason it failed
    pdf: bytes = b""  # exactly what was written (or checked, when kept by --resume)
    context: dict[str, Any] | None = None  # e-mail template variables when asked for
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    check: str = ""  # built, but the row asks for what it cannot have (a level past the top)


def make_jobs(rows: Sequence[RosterRow], settings: Settings) -> list[Job]:
    """One Job per row; names are unique and follow roster order."""
    names = unique_names(row.patient for row in rows)
    return [
        _job(index, row, name, settings)
        for index, (row, name) in enumerate(zip(rows, names, strict=True))
    ]


def _job(index: int, row: RosterRow, name: str, settings: Settings) -> Job:
    programme = row.programme or settings.programme or ""
    level = row.level if row.level is not None else settings.level
    start = row.start.isoformat() if row.start else ""
    identity = {
        "patient": row.patient,
        "programme": programme,
        "level": level,
        "clinician": row.clinician,
        "start": start,
        "note": row.note,
        "brand": row.brand,
    }
    password = row.password or settings.password
    return Job(
        index=index,
        label=row.label,
        name=name,
        field_prefix=f"h{row.number}-{row.entry}" if row.entry else f"h{row.number}",
        patient=row.patient,
        email=row.email,
        programme=programme,
        level=level,
        clinician=row.clinician,
        start=row.start,
        note=row.note,
        brand=row.brand,
        password=password,
        fingerprint=_digest([identity, bool(password), settings.shape()]),
        # Recipient, patient and the row's values; not the file name, which depends on the
        # rows above (sam-lee-2), nor the options, so a rebuilt handout is not sent again.
        message_key=f"{safe_name(row.patient)}.{_digest([identity, row.email])}",
    )


def brand_path(value: str, roster_dir: Path) -> Path:
    """A row's brand column as a file: relative to the roster, like every path in it."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else roster_dir / path


def needs_fallback_font(jobs: Sequence[Job]) -> bool:
    """Whether any row prints letters beyond Latin (Greek, Cyrillic…), which no brand font has."""
    text = "".join(job.patient + job.clinician + job.note for job in jobs)
    return any(ord(char) > 0x24F and char.isalpha() for char in text)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
