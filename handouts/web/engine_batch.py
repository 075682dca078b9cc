"""The batch page's door into the engine: rosters, batch runs, e-mail (with engine.py,
the only modules of the web page that call into the engine).

The roster is checked by the CLI's own roster reader; the run is the CLI's batch
driver, so its output folder, sent.log (nothing is e-mailed twice) and print file
work exactly as ``handouts batch`` does.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError
from handouts.web.engine import Engine
from handouts.web.plan import PageOptions, PatientFields, Plan

MAX_ROWS = 2000  # the page is for a clinic's day; a bigger run belongs to `handouts batch`
SHOWN_COLUMNS = ("patient", "email", "programme", "level", "clinician", "start", "note")


@dataclass
class RosterRowView:
    number: int
    label: str  # "5", or "1 (entry 2)" for YAML entries sharing a line, as the report says
    values: dict[str, str]
    reason: str = ""  # why the row cannot be built; "" when it can
    email_problem: str = ""


@dataclass
class RosterView:
    name: str  # the uploaded file's name
    columns: tuple[str, ...]  # the roster's columns, as the page shows them
    rows: list[RosterRowView]
    warnings: tuple[str, ...] = ()

    @property
    def ready(self) -> int:
        return sum(1 for row in self.rows if not row.reason)


@dataclass
class BatchSettings:
    programme: str
    options: PageOptions
    layout: str = "single"  # single | duplex | booklet: the combined print file
    email: bool = False
    dry_run: bool = False  # write the messages to outbox/ instead of sending
    dates: str = ""  # how the roster writes start dates: "", "DD/MM/YYYY" or "MM/DD/YYYY"


@dataclass
class BatchJob:
    """A run in progress, in memory only (patient names never go to a log)."""

    owner: str  # the session that started it
    total: int
    out_dir: Path
    done: int = 0
    rows: list[Any] = field(default_factory=list)  # batch_report.RowOutcome, as they finish
    summary: Any = None  # batch_report.Report, when done
    error: str = ""
    note: str = ""
    started: float = field(default_factory=time.monotonic)

    @property
    def finished(self) -> bool:
        return self.summary is not None or bool(self.error)


def rows_to_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    """Edited rows back to CSV, so they pass the roster reader's checks again."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode("utf-8")


def date_format(engine: Engine) -> str:
    """How the workspace's rosters write start dates (handouts.yaml ``date_format:``)."""
    return (engine.session.workspace().date_format or "").upper()


def read_roster(
    engine: Engine, raw: bytes, name: str, programme: str, dates: str = ""
) -> tuple[RosterView, Any]:
    """The roster's rows, each with the reason it cannot be built; and the parsed roster.

    ``dates``: "DD/MM/YYYY" or "MM/DD/YYYY" when the start column writes dates so.
    """
    from handouts.deliver.roster import parse_roster
    from handouts.deliver.roster_model import COLUMNS
    from handouts.deliver.roster_rows import DATE_FORMATS

    wanted = dates if dates in DATE_FORMATS else None
    roster = parse_roster(raw, Path(Path(name).name or "roster.csv"), wanted)
    if len(roster.rows) > MAX_ROWS:
        raise HandoutsError(
            f"{name}: {len(roster.rows)} rows; the page builds up to {MAX_ROWS} at a time "
            "(use `handouts batch` for more)"
        )
    programmes = engine.library.programmes
    columns = tuple(c for c in COLUMNS if c in roster.columns or c in SHOWN_COLUMNS)
    rows = []
    for row in roster.rows:
        reason = row.error or ""
        wanted = row.programme or programme
        if not reason and wanted not in programmes:
            reason = f'programme: unknown programme "{wanted}"'
        # A value the reader could not read keeps the user's text, to fix in place.
        values = {column: row.unread.get(column, _text(getattr(row, column))) for column in columns}
        rows.append(RosterRowView(row.number, row.label, values, reason, row.email_error or ""))
    notes = (*roster.warnings, *roster.notes)
    return RosterView(name, columns, rows, notes), roster


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def mail_plan(engine: Engine, dry_run: bool) -> Any:
    """The CLI's e-mail plan from handouts.yaml's smtp: settings; never with the demo brand."""
    import os

    from handouts.deliver.mail_plan import (
        MailPlan,
        check_templates,
        email_template_dirs,
        mail_settings,
    )

    if not dry_run:
        from handouts.content.demo import refuse_demo_brand

        brand, _logo = engine.builder().brand(engine.workspace_brand())
        refuse_demo_brand(brand, "e-mail")
    settings = mail_settings(engine.session.workspace().smtp, dict(os.environ), dry_run, None)
    dirs = email_template_dirs(engine.session.workspace_dir)
    check_templates(dirs)
    return MailPlan(settings, dirs, dry_run)


class AlreadySent(HandoutsError):
    """This handout went to this address already; the page asks before sending again."""


def send_handout(
    engine: Engine,
    plan: Plan,
    patient: PatientFields,
    options: PageOptions,
    sent: set[str],
    again: bool = False,
) -> str:
    """E-mail the handout to the patient's address, as ``handouts send`` does; returns to whom.

    ``sent`` holds the messages this server has sent: the same handout to the same
    address goes again only when ``again`` says so.
    """
    import hashlib

    from handouts.content.models import Patient
    from handouts.deliver.mail import Mailer
    from handouts.deliver.mail_message import check_address, message_context
    from handouts.deliver.mail_plan import compose_message

    if not patient.email:
        raise HandoutsError("give the patient's e-mail address first")
    check_address(patient.email, "Patient's e-mail")
    if options.booklet:
        raise HandoutsError(
            "a booklet is a print layout, unreadable on a phone: untick Booklet to e-mail"
        )
    plan_for_mail = mail_plan(engine, dry_run=False)  # refuses the demo brand
    built = engine.build(plan, patient, options)
    digest = hashlib.sha256(patient.email.lower().encode() + built.pdf).hexdigest()[:16]
    if digest in sent and not again:
        raise AlreadySent(f"this handout was e-mailed to {patient.email} already")
    context = message_context(
        built.brand,
        Patient(name=patient.name),
        built.title,
        built.weeks,
        built.sessions,
        protected=False,
    )
    message = compose_message(plan_for_mail, patient.email, context, built.pdf, built.filename)
    with Mailer(plan_for_mail.settings) as mailer:
        mailer.send(message, f"web.{digest}")
    sent.add(digest)
    return patient.email


def output_folder(engine: Engine, roster_name: str) -> Path:
    """output/<roster name>/ in the workspace, as ``handouts batch`` names it."""
    from handouts.deliver.file_names import safe_name

    return engine.session.workspace_dir / "output" / safe_name(Path(roster_name).stem)


def start_batch(
    engine: Engine, roster: Any, name: str, settings: BatchSettings, owner: str
) -> BatchJob:
    """Start building every ready row in a background thread; returns the job to watch."""
    from handouts import api
    from handouts.deliver import batch as driver
    from handouts.deliver.jobs import Settings

    plan = mail_plan(engine, settings.dry_run) if settings.email else None
    options = settings.options
    out_dir = output_folder(engine, name)
    run_settings = Settings(
        out_dir=out_dir,
        roster_dir=engine.session.workspace_dir,
        content_dirs=tuple(engine.session.content_dirs),
        include_builtin=engine.session.include_builtin,
        cwd=engine.session.cwd,
        config=engine.session.workspace().file,
        brand_file=engine.workspace_brand(),
        options=options.handout_options().render_options(
            duplex=settings.layout in ("duplex", "booklet")
        ),
        date=options.date,
        programme=settings.programme or None,
        booklet=settings.layout == "booklet",
    )
    job = BatchJob(owner=owner, total=len(roster.rows), out_dir=out_dir)
    combine: Path | None = out_dir / "print-all.pdf"
    if driver.print_file_password_problem(roster.rows, run_settings):
        combine = None  # one file would hold every protected handout unencrypted
        job.note = "No print file: some rows have a password of their own."

    def progress(outcome: Any, done: int, _total: int) -> None:
        job.rows.append(outcome)
        job.done = done

    def run() -> None:
        try:
            with engine.lock:  # reportlab is not thread-safe: one build at a time
                job.summary = api.run_batch(
                    roster.rows,
                    run_settings,
                    engine.session,
                    jobs=1,
                    combine=combine,
                    duplex=settings.layout == "duplex",
                    mail=plan,
                    progress=progress,
                )
        except HandoutsError as error:
            job.error = error.format_message()
        except Exception as error:  # noqa: BLE001 - the page says so; never a traceback
            job.error = f"the batch stopped unexpectedly ({type(error).__name__})"

    threading.Thread(target=run, name="handouts-batch", daemon=True).start()
    return job


def job_counts(job: BatchJob) -> dict[str, int]:
    """How many handouts were built, kept or failed, and messages sent, written or not."""
    from handouts.deliver.batch_report import MailStatus, Status

    report = job.summary
    if report is None:
        return {}
    counts = {status.value: report.count(status) for status in Status}
    counts |= {f"mail {status.value}": report.mail_count(status) for status in MailStatus}
    return counts


def job_files(job: BatchJob) -> list[Path]:
    """The PDFs this run built or kept, in roster order, and the print file."""
    from handouts.deliver.batch_report import Status

    summary = job.summary
    if summary is None:
        return []
    files = [
        job.out_dir / row.detail
        for row in summary.rows
        if row.status in (Status.BUILT, Status.SKIPPED) and (job.out_dir / row.detail).is_file()
    ]
    if summary.combined and Path(summary.combined).is_file():
        files.append(Path(summary.combined))
    return files


def zip_of(files: list[Path]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, arcname=path.name)
    return out.getvalue()
