"""The batch driver: one handout per roster row, in parallel, resumable, then print and mail.

Flow (``run``)::

    roster rows ──► jobs (small dicts) ──► worker processes ──► Result per row
                                            │ build, attach, scrub,      │
                                            │ impose, encrypt, write     │
                                            ▼ (atomically)               ▼
                                       <out-dir>/<name>.pdf     parent: progress, built.log,
                                                                e-mail, report, --combine

* Workers are started with :func:`init_worker`, which loads the content and a
  ``Builder`` once per process (content parsed, fonts registered once). With
  one job everything runs in this process, without a pool.
* One row never stops the others: a ``HandoutsError`` becomes the row's
  reason; any other exception is reported with its type.
* Every file is written with ``write_atomic``: killing the batch (even
  ``kill -9``) leaves complete PDFs and at most some hidden ``.part`` files.
* ``built.log`` in the output folder records ``<file>\\t<fingerprint>`` for each
  PDF written. ``--resume`` reuses a PDF only if it is a valid PDF (opened with
  the row's password) *and* was written for the same row values and options,
  so an edited roster never reuses, or e-mails, another patient's handout.
* E-mail is sent from this process as each row finishes; ``sent.log`` (see
  ``handouts.mail.Mailer``) makes sending safe to repeat. A message's key names
  the recipient, the patient and the row's values, never the row's position, so
  adding or removing rows never sends a handout again.
* Letters the brand font lacks (Greek, Cyrillic) need the fallback face, which
  is instanced once into the font cache (half a minute the first time): this
  process does it before the workers start, instead of every worker at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from handouts.compose import Options
from handouts.errors import HandoutsError
from handouts.post import decrypted, finish_pdf
from handouts.roster import RosterRow, safe_name, unique_names

REPORT_NAME = "batch-report.csv"
BUILT_LOG = "built.log"
SENT_LOG = "sent.log"
OUTBOX = "outbox"
REPORT_COLUMNS = ("row", "patient", "reason")
DRY_RUN_SENDER = "handouts-dry-run@example.invalid"
BROKEN_POOL = "a worker process stopped unexpectedly (rerun with --resume)"
FONT_NOTICE = "Preparing fonts for Greek/Cyrillic names (first run only)…"
FONT_NOTICE_AFTER = 1.0  # seconds: a warm font cache answers well within this


# --------------------------------------------------------------------------- settings and jobs


@dataclass(frozen=True)
class Settings:
    """What every row shares; sent once to each worker process."""

    out_dir: Path
    roster_dir: Path
    content_dirs: tuple[Path, ...] = ()
    include_builtin: bool = True
    cwd: Path = field(default_factory=Path.cwd)
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
class Result:
    """What a worker sends back for one row."""

    index: int
    status: str  # "built", "skipped" (valid output kept by --resume) or "failed"
    detail: str  # the file name, or the reason it failed
    context: dict[str, Any] | None = None  # e-mail template variables when asked for
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def make_jobs(rows: Sequence[RosterRow], settings: Settings) -> list[dict[str, Any]]:
    """One small, picklable dict per row; names are unique and follow roster order."""
    names = unique_names(row.patient for row in rows)
    jobs = []
    for index, (row, name) in enumerate(zip(rows, names, strict=True)):
        job = {
            "index": index,
            "row": row.number,
            "name": name,
            "patient": row.patient,
            "email": row.email,
            "programme": row.programme or settings.programme or "",
            "level": row.level if row.level is not None else settings.level,
            "clinician": row.clinician,
            "start": row.start.isoformat() if row.start else "",
            "note": row.note,
            "brand": row.brand,
            "password": row.password or settings.password,
        }
        identity = {k: job[k] for k in ("patient", "programme", "level", "clinician", "start")}
        identity |= {"note": row.note, "brand": row.brand}
        job["fingerprint"] = _digest([identity, bool(job["password"]), settings.shape()])
        # Recipient, patient and the row's values; not the file name, which depends on the
        # rows above (sam-lee-2), nor the options, so a rebuilt handout is not sent again.
        job["message_key"] = f"{safe_name(row.patient)}.{_digest([identity, row.email])}"
        jobs.append(job)
    return jobs


def brand_path(value: str, roster_dir: Path) -> Path:
    """A row's brand column as a file: relative to the roster, like every path in it."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else roster_dir / path


def needs_fallback_font(jobs: Sequence[dict[str, Any]]) -> bool:
    """Whether any row prints letters beyond Latin (Greek, Cyrillic…), which no brand font has."""
    text = "".join(job[key] for job in jobs for key in ("patient", "clinician", "note"))
    return any(ord(char) > 0x24F and char.isalpha() for char in text)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- worker side


class Worker:
    """A Builder and the batch settings, kept for the life of one process."""

    def __init__(self, settings: Settings, app: Any = None) -> None:
        from handouts.cli import App
        from handouts.cli_build import make_builder

        if app is None:
            app = App(
                content_dirs=list(settings.content_dirs),
                include_builtin=settings.include_builtin,
                cwd=settings.cwd,
            )
        self.settings = settings
        self.builder = make_builder(app)  # loads (or reuses) the library once

    def run(self, job: dict[str, Any]) -> Result:
        try:
            return self._run(job)
        except HandoutsError as exc:
            return Result(job["index"], "failed", one_line(exc.format_message()))
        except Exception as exc:  # noqa: BLE001 - one row must never stop the batch
            return Result(job["index"], "failed", f"unexpected {type(exc).__name__}: {exc}")

    def _run(self, job: dict[str, Any]) -> Result:
        from handouts import post
        from handouts.atomic import write_atomic

        s = self.settings
        path = s.out_dir / job["name"]
        password = job["password"]
        if job.get("reuse") and post.is_valid_pdf(path, password or None):
            context = (
                self._context(self.builder.compose(self._request(job)), password)
                if job.get("context")
                else None
            )
            return Result(job["index"], "skipped", job["name"], context)
        request = self._request(job)
        handout, pdf = self.builder.build(request)
        pdf, notes = finish_pdf(
            pdf,
            attachments=s.attachments,
            field_prefix=f"h{job['row']}",
            private_name=job["patient"] if s.options.private else "",
            booklet=s.booklet,
            password=password,
            large_print=s.options.large_print,
        )
        write_atomic(path, pdf)
        context = self._context(handout, password) if job.get("context") else None
        warnings = tuple(self.builder.warnings(handout))
        return Result(job["index"], "built", job["name"], context, tuple(notes), warnings)

    def _request(self, job: dict[str, Any]):  # noqa: ANN202 - build.Request
        from handouts.build import Request
        from handouts.compose import Selection
        from handouts.content.models import Patient

        s = self.settings
        if not job["programme"]:
            raise HandoutsError("programme: none given; add a programme column or use --programme")
        start = dt.date.fromisoformat(job["start"]) if job["start"] else None
        return Request(
            selection=Selection(
                programme=job["programme"], level=job["level"], weeks=s.weeks, sessions=s.sessions
            ),
            patient=Patient(
                name=job["patient"], clinician=job["clinician"], start=start, note=job["note"]
            ),
            brand_file=self._brand_file(job["brand"]),
            options=s.options,
            date=s.date,
        )

    def _brand_file(self, value: str) -> Path | None:
        """A row's brand: a brand id from the library, or a YAML file (relative to the roster)."""
        if not value:
            return self.settings.brand_file
        library = self.builder.library
        if value in library.brands:
            return library.origin("brands", value)
        path = brand_path(value, self.settings.roster_dir)
        if not path.is_file():
            raise HandoutsError(f'brand: no brand "{value}" in the library and no file {path}')
        return path

    @staticmethod
    def _context(handout: Any, password: str) -> dict[str, Any]:
        from handouts.mail import message_context

        return message_context(
            handout.brand,
            handout.patient,
            handout.title,
            handout.weeks,
            handout.sessions_label,
            protected=bool(password),
        )


def prepare_fallback_font(
    builder: Any, brand_file: Path | None, notice: Callable[[str], None], after: float
) -> None:
    """Instance the fallback face now; ``notice`` says so if that takes over ``after`` seconds."""
    from handouts.render.fonts import load_fonts

    timer = threading.Timer(after, notice, (FONT_NOTICE,))
    timer.start()
    try:
        brand, _ = builder.brand(brand_file)
        load_fonts(brand.font, builder.font_dirs).fallback  # noqa: B018 - the property loads it
    except HandoutsError:
        pass  # a broken brand fails each row with its own message
    finally:
        timer.cancel()
        timer.join()  # a notice that started is printed before any row's line


_WORKER: Worker | None = None


def init_worker(settings: Settings) -> None:
    """Pool initializer: load content and a Builder once for this process.

    Ctrl-C is the parent's to handle: it cancels the queued rows, and a worker
    finishes (and atomically writes) the row it is on instead of dying mid-way
    with a traceback of its own.
    """
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(os.getppid())
    _WORKER = Worker(settings)


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """Leave when the batch is gone: a parent killed with -9 cannot stop its workers.

    They would otherwise wait for rows for ever, holding the terminal's output open.
    """
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def run_job(job: dict[str, Any]) -> Result:
    """Pool task: build one row (never raises for a row's own problems)."""
    if _WORKER is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker not initialised")
    return _WORKER.run(job)


def one_line(text: str) -> str:
    """Multi-line messages (content problems) as one line for the report and progress."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


# --------------------------------------------------------------------------- e-mail


@dataclass
class MailPlan:
    """How to deliver: SMTP settings, template folders, dry run into the outbox."""

    settings: Any  # handouts.mail.SmtpSettings
    template_dirs: list[Path]
    dry_run: bool = False


def mail_settings(config: Any, env: dict[str, str], dry_run: bool, rate: float | None) -> Any:
    """``smtp:`` from handouts.yaml + ``HANDOUTS_SMTP_*``; a dry run needs no sender or server."""
    from handouts.mail import ENV_KEYS, smtp_settings

    config = dict(config or {})
    if dry_run and not config.get("from") and not env.get(ENV_KEYS["from"], "").strip():
        config["from"] = DRY_RUN_SENDER
    settings = smtp_settings(config, env)
    return replace(settings, rate_per_minute=rate) if rate else settings


def email_template_dirs(workspace_dir: Path) -> list[Path]:
    """The clinic's ``templates/email`` (next to handouts.yaml) first, then the built-in ones."""
    from handouts import paths

    clinic = workspace_dir / "templates" / "email"
    builtin = paths.templates_dir() / "email"
    return [clinic, builtin] if clinic.is_dir() else [builtin]


def check_templates(template_dirs: list[Path]) -> None:
    """Render the templates once with sample values: a typo stops the batch before it builds."""
    from handouts.mail import render_message

    render_message(
        template_dirs,
        {
            "clinic": {"name": "Clinic", "contact": ["01234 567890"], "website": ""},
            "patient": {
                "name": "Sam",
                "clinician": "Alex",
                "start": "Monday 2 March 2026",
                "note": "",
            },
            "programme": {"title": "Programme", "weeks": 6, "sessions": "3"},
            "protected": False,
        },
    )


def compose_message(plan: MailPlan, to: str, context: dict[str, Any], pdf: bytes, filename: str):  # noqa: ANN201
    from handouts.mail import build_message, render_message

    subject, text, html = render_message(plan.template_dirs, context)
    return build_message(plan.settings.sender, to, subject, text, html, pdf, filename)


# --------------------------------------------------------------------------- the run


@dataclass
class RowOutcome:
    row: int
    patient: str
    status: str  # built | skipped | failed
    detail: str  # file name or reason
    mail: str = ""  # sent | written | already sent | failed | ""
    mail_detail: str = ""


@dataclass
class Summary:
    rows: list[RowOutcome]
    elapsed: float
    out_dir: Path
    report: Path | None = None
    combined: Path | None = None
    combined_pages: int = 0
    combine_error: str = ""
    mail_error: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    def mail_count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.mail == status)

    @property
    def failures(self) -> list[tuple[int, str, str]]:
        """(row, patient, reason) for the report: failed rows and rows whose e-mail failed."""
        out = []
        for row in self.rows:
            if row.status == "failed":
                out.append((row.row, row.patient, row.detail))
            elif row.mail == "failed":
                out.append((row.row, row.patient, row.mail_detail))
        return sorted(out)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.combine_error and not self.mail_error


Progress = Callable[[RowOutcome, int, int], None]


def run(
    rows: Sequence[RosterRow],
    settings: Settings,
    *,
    jobs: int = 1,
    app: Any = None,
    combine: Path | None = None,
    duplex: bool = False,
    mail: MailPlan | None = None,
    progress: Progress | None = None,
    notice: Callable[[str], None] = lambda _: None,
) -> Summary:
    """Build every row; returns what happened. Row problems never raise.

    ``notice`` receives a line to show when preparing fonts keeps the batch waiting.
    """
    started = time.monotonic()
    out_dir = settings.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    all_jobs = make_jobs(rows, settings)
    built_log = _read_built_log(out_dir / BUILT_LOG)
    outcomes: dict[int, RowOutcome] = {}
    total = len(rows)
    done = 0
    summary = Summary([], 0.0, out_dir)

    mailer = None
    if mail is not None:
        from handouts.mail import Mailer

        mailer = Mailer(
            mail.settings,
            sent_log=out_dir / SENT_LOG,
            dry_run_dir=out_dir / OUTBOX if mail.dry_run else None,
        )

    def finish(outcome: RowOutcome) -> None:
        nonlocal done
        done += 1
        outcomes[outcome.row] = outcome
        if progress:
            progress(outcome, done, total)

    todo = []
    for row, job in zip(rows, all_jobs, strict=True):
        if row.error:
            finish(RowOutcome(row.number, row.patient, "failed", row.error))
            continue
        job["reuse"] = settings.resume and built_log.get(job["name"]) == job["fingerprint"]
        # A bad address fails the message only: the handout still goes to the folder
        # and the print file.
        job["email_error"] = (
            f"e-mail not sent: {row.email_error}" if mailer is not None and row.email_error else ""
        )
        job["context"] = (
            mailer is not None
            and not job["email_error"]
            and not mailer.already_sent(job["message_key"])
        )
        todo.append(job)

    by_index = {job["index"]: job for job in all_jobs}
    mail_stopped = ""

    def handle(result: Result) -> None:
        nonlocal mail_stopped
        job = by_index[result.index]
        outcome = RowOutcome(job["row"], job["patient"], result.status, result.detail)
        for text in result.warnings:
            if text not in summary.warnings:
                summary.warnings.append(text)
        for text in result.notes:
            if text not in summary.notes:
                summary.notes.append(text)
        if result.status == "built":
            _append_built_log(out_dir / BUILT_LOG, job["name"], job["fingerprint"])
        if mailer is not None and result.status != "failed":
            if job["email_error"]:
                outcome.mail, outcome.mail_detail = "failed", job["email_error"]
            elif mail_stopped:
                outcome.mail, outcome.mail_detail = "failed", f"e-mail not sent: {mail_stopped}"
            else:
                mail_stopped = _send(mailer, mail, job, result, outcome, out_dir)
        finish(outcome)

    try:
        parent = None
        if needs_fallback_font(todo):  # before the workers start, so that they find it cached
            parent = Worker(settings, app)
            prepare_fallback_font(parent.builder, settings.brand_file, notice, FONT_NOTICE_AFTER)
        _execute(todo, settings, jobs, app, handle, parent)
    finally:
        if mailer is not None:
            mailer.close()

    summary.rows = [outcomes[number] for number in sorted(outcomes)]
    summary.mail_error = mail_stopped
    if combine is not None:
        _combine(summary, all_jobs, settings, combine, duplex)
    summary.report = write_report(out_dir, summary.failures)
    summary.elapsed = time.monotonic() - started
    return summary


def _execute(
    todo: list[dict[str, Any]],
    settings: Settings,
    jobs: int,
    app: Any,
    handle: Callable[[Result], None],
    parent: Worker | None = None,
) -> None:
    """Run the jobs in this process (one job) or in a pool; ``handle`` each result as it comes.

    ``parent`` is this process's Worker if one was made already.
    """
    if not todo:
        return
    workers = min(jobs, len(todo))
    if workers <= 1:
        worker = parent or Worker(settings, app)
        for job in todo:
            handle(worker.run(job))
        return
    from concurrent.futures.process import BrokenProcessPool

    # Only a few rows are handed to the pool at a time, so an interrupted batch stops
    # after the rows in hand instead of finishing a long queue first.
    pending = list(reversed(todo))
    pool = ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=(settings,))
    try:
        running: dict[Any, dict[str, Any]] = {}
        while pending or running:
            while pending and len(running) < 2 * workers:
                job = pending.pop()
                try:
                    running[pool.submit(run_job, job)] = job
                except BrokenProcessPool:  # a worker died: the rows left fail, not the batch
                    handle(Result(job["index"], "failed", BROKEN_POOL))
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                handle(_result(future, running.pop(future)))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: do not wait for queued rows
        raise
    pool.shutdown()


def _result(future: Any, job: dict[str, Any]) -> Result:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        return Result(job["index"], "failed", BROKEN_POOL)
    except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be unpickled
        return Result(job["index"], "failed", f"unexpected {type(exc).__name__}: {exc}")


def _send(
    mailer: Any,
    plan: MailPlan,
    job: dict[str, Any],
    result: Result,
    outcome: RowOutcome,
    out_dir: Path,
) -> str:
    """Send one row's message; returns a reason to stop all sending (server unusable) or ""."""
    from handouts.mail import MailServerError, attachment_name

    key = job["message_key"]
    if mailer.already_sent(key):
        outcome.mail = "already sent"
        return ""
    try:
        pdf = (out_dir / job["name"]).read_bytes()
        context = result.context or {}
        filename = attachment_name(
            context.get("programme", {}).get("title", ""),
            context.get("patient", {}).get("name", ""),
        )
        message = compose_message(plan, job["email"], context, pdf, filename)
        outcome.mail = "written" if mailer.send(message, key) == "written" else "sent"
    except MailServerError as exc:
        outcome.mail, outcome.mail_detail = (
            "failed",
            f"e-mail not sent: {one_line(exc.format_message())}",
        )
        return one_line(exc.format_message())
    except HandoutsError as exc:  # PermanentSendError, SendError, a template problem
        outcome.mail, outcome.mail_detail = (
            "failed",
            f"e-mail not sent: {one_line(exc.format_message())}",
        )
    except OSError as exc:
        outcome.mail, outcome.mail_detail = "failed", f"e-mail not sent: {exc}"
    return ""


def _combine(
    summary: Summary, jobs: list[dict[str, Any]], settings: Settings, path: Path, duplex: bool
) -> None:
    """One print file of every row with a PDF, in roster order (encrypted with --password)."""
    from handouts import post
    from handouts.atomic import write_atomic

    good = {row.row for row in summary.rows if row.status in ("built", "skipped")}
    chosen = [job for job in jobs if job["row"] in good]
    if not chosen:
        summary.combine_error = f"{path} not written: no handout was built"
        return
    try:
        pdfs = [
            decrypted((settings.out_dir / job["name"]).read_bytes(), job["password"])
            for job in chosen
        ]
        combined = post.combine(
            pdfs,
            duplex=duplex,
            prefixes=[f"h{job['row']}" for job in chosen],
            titles=[job["patient"] for job in chosen],
        )
        summary.combined_pages = post.page_count(combined)
        if settings.password:
            combined = post.encrypt(combined, settings.password)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, combined)
    except (HandoutsError, OSError, ValueError) as exc:
        summary.combine_error = f"{path} not written: {one_line(str(exc))}"
        return
    summary.combined = path


# --------------------------------------------------------------------------- logs and report


def _read_built_log(path: Path) -> dict[str, str]:
    """``name → fingerprint`` from earlier runs; the last line for a name wins."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return {}
    entries = {}
    for line in lines:
        name, _, fingerprint = line.partition("\t")
        if name and len(fingerprint) == 16:  # a line cut short by a crash is ignored
            entries[name] = fingerprint
    return entries


def _append_built_log(path: Path, name: str, fingerprint: str) -> None:
    line = f"{name}\t{fingerprint}\n".encode()
    with open(path, "a+b") as log:
        if log.tell():
            log.seek(-1, os.SEEK_END)
            if log.read(1) != b"\n":  # a crash cut the last line short: don't glue onto it
                line = b"\n" + line
        log.write(line)
        log.flush()
        os.fsync(log.fileno())


def write_report(out_dir: Path, failures: list[tuple[int, str, str]]) -> Path | None:
    """``batch-report.csv`` (row, patient, reason) when rows failed; removed when none did.

    Written atomically, UTF-8 with a BOM so spreadsheet programs show accents.
    """
    import csv

    from handouts.atomic import write_atomic

    path = out_dir / REPORT_NAME
    if not failures:
        path.unlink(missing_ok=True)  # a stale report would claim failures that are fixed
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    writer.writerows(failures)
    write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    return path
