"""The batch driver: one handout per roster row, in parallel, resumable, then print and mail.

Flow (``run``)::

    roster rows ──► Jobs ──► worker processes (pool.py) ──► Result per row (with its PDF)
                              │ build, attach, scrub,        │
                              │ impose, encrypt, write       ▼
                              ▼ (atomically)            this process: progress, built.log,
                         <out-dir>/<name>.pdf           e-mail, spool → --combine, Report

* The batch owns its output folder for the run (``outdir.claim``): a second batch
  into the same folder is refused in one line, and a killed one never leaves it stuck.
* E-mail and the print file use the bytes each row's worker built (or checked, with
  ``--resume``) and sent back, never a file re-read by name.
* One row never stops the others: a ``HandoutsError`` becomes the row's
  reason; any other exception is reported with its type.
* Every file is written atomically: killing the batch (even ``kill -9``) leaves
  complete PDFs and at most some hidden ``.part`` files. Files the batch names in
  its folder are never written through a symlink planted there.
* ``built.log`` in the output folder records ``<file>\\t<fingerprint>`` for each
  PDF written. ``--resume`` reuses a PDF only if it is a valid PDF (opened with
  the row's password) *and* was written for the same row values and options,
  so an edited roster never reuses, or e-mails, another patient's handout.
* E-mail is sent from this process as each row finishes; ``sent.log`` (see
  ``handouts.deliver.mail.Mailer``) makes sending safe to repeat. A message's key names
  the recipient, the patient and the row's values, never the row's position, so
  adding or removing rows never sends a handout again.
* Letters the brand font lacks (Greek, Cyrillic) need the fallback face, which
  is instanced once into the font cache (half a minute the first time): this
  process does it before the workers start, instead of every worker at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.compose import Options
from handouts.deliver import pool
from handouts.deliver.batch_report import REPORT_NAME, MailStatus, Report, RowOutcome, Status
from handouts.deliver.outdir import claim
from handouts.deliver.print_file import Entry, Spool, write_print_file
from handouts.deliver.roster import RosterRow, safe_name, unique_names
from handouts.errors import HandoutsError
from handouts.post.finish import finish_pdf

if TYPE_CHECKING:
    from handouts.session import Session

__all__ = ["REPORT_NAME", "MailStatus", "Report", "RowOutcome", "Status"]

BUILT_LOG = "built.log"
SENT_LOG = "sent.log"
OUTBOX = "outbox"
DRY_RUN_SENDER = "handouts-dry-run@example.invalid"
MAIL_STOPPED = "e-mail not sent: sending stopped (the mail server failed; see the end)"
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


# --------------------------------------------------------------------------- worker side


def booklet_name(name: str) -> str:
    """``ann.pdf`` → ``ann.booklet.pdf``: no patient's file name has a dot in its stem."""
    return f"{name.removesuffix('.pdf')}.booklet.pdf"


def level_above_top(handout: Any, level: int | None) -> str:
    """What to check when a row's level is past an exercise's top level ("" when it is not).

    Such an exercise prints at its top level; the report says so, as a level of 5 for
    exercises with 3 is more likely a slip in the roster than a wish.
    """
    over = [e for e in handout.exercises if level and level > len(e.levels)]
    if not over:
        return ""
    names = ", ".join(f"{e.name} ({len(e.levels)})" for e in over)
    printed = "printed at its top level" if len(over) == 1 else "each printed at its top level"
    return f"level {level} is above the top level of {names}: {printed}; check the level"


class Worker:
    """A Builder and the batch settings, kept for the life of one process."""

    def __init__(self, settings: Settings, session: Session | None = None) -> None:
        if session is None:
            from handouts.session import Session

            session = Session(
                content_dirs=list(settings.content_dirs),
                include_builtin=settings.include_builtin,
                cwd=settings.cwd,
                config=settings.config,
            )
        self.settings = settings
        self.builder = session.builder()  # loads (or reuses) the library once

    def run(self, job: Job) -> Result:
        try:
            return self._run(job)
        except HandoutsError as exc:
            return Result(job.index, Status.FAILED, one_line(exc.format_message()))
        except Exception as exc:  # noqa: BLE001 - one row must never stop the batch
            return Result(job.index, Status.FAILED, f"unexpected {type(exc).__name__}: {exc}")

    def _run(self, job: Job) -> Result:
        kept = self._kept(job)
        if kept is not None:
            handout = self.builder.compose(self._request(job)) if job.want_context else None
            context = self._context(handout, job)
            return Result(job.index, Status.SKIPPED, job.name, kept, context)
        return self._build(job)

    def _kept(self, job: Job) -> bytes | None:
        """With --resume, the PDF an earlier run wrote for this row, if whole; read once.

        With --booklet both files must be whole; the booklet is what the print file takes.
        """
        from handouts.post.merge import is_complete_pdf

        names = [job.name, booklet_name(job.name)] if self.settings.booklet else [job.name]
        kept = b""
        for name in names:
            path = self.settings.out_dir / name
            if not job.reuse or path.is_symlink():  # a planted link is never a handout
                return None
            try:
                kept = path.read_bytes()
            except OSError:
                return None
            if not is_complete_pdf(kept, job.password or None):
                return None
        return kept

    def _build(self, job: Job) -> Result:
        from handouts.deliver import files

        s = self.settings
        handout, pdf = self.builder.build(self._request(job))
        pdf, notes = finish_pdf(
            pdf,
            attachments=s.attachments,
            field_prefix=job.field_prefix,
            private_name=job.patient if s.options.private else "",
            password="" if s.booklet else job.password,  # the booklet is imposed from it first
            large_print=s.options.large_print,
        )
        if s.booklet:  # beside the full-size handout, never over it
            booklet, notes = finish_pdf(
                pdf, booklet=True, password=job.password, large_print=s.options.large_print
            )
            pdf = finish_pdf(pdf, password=job.password)[0]
            files.write_atomic(s.out_dir / job.name, pdf, follow_symlinks=False)
            files.write_atomic(s.out_dir / booklet_name(job.name), booklet, follow_symlinks=False)
            pdf = booklet  # what the print file takes
        else:
            files.write_atomic(s.out_dir / job.name, pdf, follow_symlinks=False)
        warnings = tuple(self.builder.warnings(handout))
        context = self._context(handout, job)
        check = level_above_top(handout, job.level)
        return Result(
            job.index, Status.BUILT, job.name, pdf, context, tuple(notes), warnings, check
        )

    def _request(self, job: Job):  # noqa: ANN202 - build.Request
        from handouts.build import Request
        from handouts.compose import Selection
        from handouts.content.models import Patient

        s = self.settings
        if not job.programme:
            raise HandoutsError("programme: none given; add a programme column or use --programme")
        return Request(
            selection=Selection(
                programme=job.programme, level=job.level, weeks=s.weeks, sessions=s.sessions
            ),
            patient=Patient(
                name=job.patient, clinician=job.clinician, start=job.start, note=job.note
            ),
            brand_file=self._brand_file(job.brand),
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
    def _context(handout: Any, job: Job) -> dict[str, Any] | None:
        if not job.want_context:
            return None
        from handouts.deliver.mail import message_context

        return message_context(
            handout.brand,
            handout.patient,
            handout.title,
            handout.weeks,
            handout.sessions_label,
            protected=bool(job.password),
        )


def failed_result(job: Job, reason: str) -> Result:
    """A row whose worker never answered (the pool broke)."""
    return Result(job.index, Status.FAILED, reason)


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


def one_line(text: str) -> str:
    """Multi-line messages (content problems) as one line for the report and progress."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


# --------------------------------------------------------------------------- e-mail


@dataclass
class MailPlan:
    """How to deliver: SMTP settings, template folders, dry run into the outbox."""

    settings: Any  # handouts.deliver.mail.SmtpSettings
    template_dirs: list[Path]
    dry_run: bool = False
    resend: bool = False  # send again what sent.log holds as "maybe sent" (checked first)


def mail_settings(config: Any, env: dict[str, str], dry_run: bool, rate: float | None) -> Any:
    """``smtp:`` from handouts.yaml + ``HANDOUTS_SMTP_*``; a dry run needs no sender or server."""
    from handouts.deliver.mail import ENV_KEYS, smtp_settings

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
    from handouts.deliver.mail import render_message

    render_message(
        template_dirs,
        {
            "clinic": {
                "name": "Clinic",
                "contact": ["01234 567890"],
                "website": "",
                "roles": {"clinician": "clinician", "patient": "patient"},
            },
            "patient": {
                "name": "Sam Lee",
                "first_name": "Sam",
                "clinician": "Alex",
                "start": "Monday 2 March 2026",
                "note": "",
            },
            "programme": {"title": "Programme", "weeks": 6, "sessions": "3"},
            "protected": False,
        },
    )


def compose_message(plan: MailPlan, to: str, context: dict[str, Any], pdf: bytes, filename: str):  # noqa: ANN201
    from handouts.deliver.mail import build_message, render_message

    subject, text, html = render_message(plan.template_dirs, context)
    return build_message(plan.settings.sender, to, subject, text, html, pdf, filename)


# --------------------------------------------------------------------------- the run

Progress = Callable[[RowOutcome, int, int], None]


def run(
    rows: Sequence[RosterRow],
    settings: Settings,
    *,
    jobs: int = 1,
    session: Session | None = None,
    combine: Path | None = None,
    duplex: bool = False,
    combine_unencrypted: bool = False,
    combine_new_only: bool = False,
    mail: MailPlan | None = None,
    progress: Progress | None = None,
    notice: Callable[[str], None] = lambda _: None,
) -> Report:
    """Build every row; returns what happened. Row problems never raise.

    Raises ``FolderBusy`` when another batch owns the output folder, and refuses a print
    file that would hold rows' password-protected handouts unencrypted unless
    ``combine_unencrypted`` says so. ``notice`` receives a line to show when preparing
    fonts keeps the batch waiting.
    """
    started = time.monotonic()
    problem = print_file_password_problem(rows, settings) if combine else ""
    if problem and not combine_unencrypted:
        raise HandoutsError(f"--combine {combine}: {problem}")
    with claim(settings.out_dir):
        planned = make_jobs(rows, settings)
        batch = BatchRun(planned, settings, mail, progress, combine is not None, combine_new_only)
        try:
            todo = batch.plan(rows)
            _execute(todo, settings, jobs, session, batch.handle, notice)
            batch.report.mail_error = batch.mail_stopped
            if combine is not None:
                batch.combine(combine, duplex)
        finally:
            batch.close()
        batch.report.write_csv()
    batch.report.elapsed = time.monotonic() - started
    return batch.report


def print_file_password_problem(rows: Sequence[RosterRow], settings: Settings) -> str:
    """Why a print file of these rows needs a choice: rows with a password of their own.

    The print file holds every handout decrypted: encrypted with --password, or not at all.
    """
    if settings.password:
        return ""
    own = [row.label for row in rows if row.password and not row.error]
    if not own:
        return ""
    which = (
        f"row {own[0]} has a password, and the print file would hold its handout"
        if len(own) == 1
        else f"rows {', '.join(own)} have passwords, and the print file would hold their handouts"
    )
    return (
        f"{which} unencrypted; add --password to encrypt the print file, "
        "or --combine-unencrypted to write it without one"
    )


def _execute(
    todo: list[Job],
    settings: Settings,
    jobs: int,
    session: Session | None,
    handle: Callable[[Result], None],
    notice: Callable[[str], None],
) -> None:
    """Run the jobs, in this process or a pool, after preparing fonts the rows need."""
    parent = None
    if needs_fallback_font(todo):  # before the workers start, so that they find it cached
        parent = Worker(settings, session)
        prepare_fallback_font(parent.builder, settings.brand_file, notice, FONT_NOTICE_AFTER)
    pool.execute(
        todo,
        jobs,
        factory=Worker,
        args=(settings,),
        handle=handle,
        failed=failed_result,
        local=lambda: parent or Worker(settings, session),
    )


class BatchRun:
    """One run's state, in this process: the report, the mailer and the print file's spool."""

    def __init__(
        self,
        jobs: list[Job],
        settings: Settings,
        mail: MailPlan | None,
        progress: Progress | None,
        combine: bool,
        combine_new_only: bool = False,
    ) -> None:
        self.settings = settings
        self.combine_new_only = combine_new_only  # the print file takes this run's rows only
        self.jobs = {job.index: job for job in jobs}
        self.report = Report(settings.out_dir, private=settings.options.private)
        self.progress = progress
        self.done = 0
        self.mail = mail
        self.mailer = _mailer(mail, settings.out_dir) if mail is not None else None
        self.mail_stopped = ""  # why the server cannot be used: no more messages this run
        self.email_errors: dict[int, str] = {}  # rows whose address is unusable
        self.spool = Spool(settings.out_dir) if combine else None

    def plan(self, rows: Sequence[RosterRow]) -> list[Job]:
        """The jobs to run; a row that cannot be built is reported at once."""
        built_log = _read_built_log(self.settings.out_dir / BUILT_LOG)
        todo = []
        for row, job in zip(rows, self.jobs.values(), strict=True):
            if row.error:
                self._finish(
                    RowOutcome(job.index, job.label, row.patient, Status.FAILED, row.error)
                )
                continue
            if self.mailer is not None and row.email_error:
                # A bad address fails the message only: the handout is still built and printed.
                self.email_errors[job.index] = f"e-mail not sent: {row.email_error}"
            reuse = self.settings.resume and built_log.get(job.name) == job.fingerprint
            todo.append(replace(job, reuse=reuse, want_context=self._message_due(job)))
        return todo

    def handle(self, result: Result) -> None:
        """One worker's answer: log it, keep its PDF for the print file, mail it, report it."""
        job = self.jobs[result.index]
        outcome = RowOutcome(job.index, job.label, job.patient, result.status, result.detail)
        outcome.check = result.check
        for text in result.warnings:
            self.report.warn(text)
        for text in result.notes:
            self.report.note(text)
        if result.status is Status.BUILT:
            _append_built_log(self.settings.out_dir / BUILT_LOG, job.name, job.fingerprint)
        if result.status is not Status.FAILED:
            if self.spool is not None and (
                result.status is Status.BUILT or not self.combine_new_only
            ):
                self.spool.add(job.index, result.pdf)
            if self.mailer is not None:
                self._mail(job, result, outcome)
        self._finish(outcome)

    def combine(self, path: Path, duplex: bool) -> None:
        """One print file of every row with a PDF, in roster order (encrypted with --password)."""
        report, spool = self.report, self.spool
        assert spool is not None
        chosen = [job for job in self.jobs.values() if job.index in spool]
        if not chosen:
            report.combine_error = f"{path} not written: no handout was built"
            return
        private = self.settings.options.private
        entries = [
            Entry(job.index, f"Row {job.label}" if private else job.patient, job.field_prefix,
                  job.password)
            for job in chosen
        ]  # fmt: skip
        password = self.settings.password
        try:
            pages = write_print_file(path, spool, entries, duplex=duplex, password=password)
        except (HandoutsError, OSError, ValueError) as exc:
            report.combine_error = f"{path} not written: {one_line(str(exc))}"
            return
        report.combined, report.combined_pages = path, pages
        if not password and any(job.password for job in chosen):
            report.combine_note = (
                f"{path} is not encrypted: it holds every handout, decrypted; "
                "keep it at the clinic and delete it once printed"
            )

    def close(self) -> None:
        if self.mailer is not None:
            self.mailer.close()
        if self.spool is not None:
            self.spool.close()

    # -- one row

    def _finish(self, outcome: RowOutcome) -> None:
        self.done += 1
        self.report.add(outcome)
        if self.progress:
            self.progress(outcome, self.done, len(self.jobs))

    def _message_due(self, job: Job) -> bool:
        if self.mailer is None or self.mail is None or job.index in self.email_errors:
            return False
        key = job.message_key
        return not self.mailer.already_sent(key) and (
            self.mail.resend or not self.mailer.maybe_sent(key)
        )

    def _mail(self, job: Job, result: Result, outcome: RowOutcome) -> None:
        """Send one row's message from the PDF its worker returned, at most once."""
        from handouts.content.demo import demo_brand_name, demo_refusal
        from handouts.deliver.mail import MAYBE_SENT_ADVICE, MailServerError, MaybeSentError

        assert self.mailer is not None and self.mail is not None
        key = job.message_key
        context = result.context or {}
        clinic = str(context.get("clinic", {}).get("name", "")).strip()
        if job.index in self.email_errors:
            outcome.mail, outcome.mail_detail = MailStatus.FAILED, self.email_errors[job.index]
        elif self.mail_stopped:  # the reason is said once, at the end
            outcome.mail, outcome.mail_detail = MailStatus.FAILED, MAIL_STOPPED
        elif not self.mail.dry_run and clinic == demo_brand_name():  # a row's own brand column
            outcome.mail = MailStatus.FAILED
            outcome.mail_detail = f"e-mail not sent: {demo_refusal('brand')}"
        elif self.mailer.already_sent(key):
            outcome.mail = MailStatus.ALREADY_SENT
        elif self.mailer.maybe_sent(key) and not self.mail.resend:
            outcome.mail = MailStatus.MAYBE_SENT
            outcome.mail_detail = (
                "e-mail maybe sent: an earlier run handed it over and never heard back; "
                + MAYBE_SENT_ADVICE
            )
        else:
            try:
                outcome.mail = self._send(job, result)
            except MaybeSentError as exc:  # never retried: it may have arrived
                outcome.mail, outcome.mail_detail = MailStatus.MAYBE_SENT, _said(exc)
            except MailServerError as exc:  # the server or sent.log cannot be used: stop
                self.mail_stopped = _said(exc)
                outcome.mail = MailStatus.FAILED
                outcome.mail_detail = f"e-mail not sent: {self.mail_stopped}"
            except HandoutsError as exc:  # PermanentSendError, SendError, a template problem
                outcome.mail, outcome.mail_detail = (
                    MailStatus.FAILED,
                    f"e-mail not sent: {_said(exc)}",
                )
            except OSError as exc:
                outcome.mail, outcome.mail_detail = MailStatus.FAILED, f"e-mail not sent: {exc}"

    def _send(self, job: Job, result: Result) -> MailStatus:
        from handouts.deliver.mail import attachment_name

        assert self.mailer is not None and self.mail is not None
        context = result.context or {}
        filename = attachment_name(
            context.get("programme", {}).get("title", ""),
            context.get("patient", {}).get("name", ""),
        )
        message = compose_message(self.mail, job.email, context, result.pdf, filename)
        sent = self.mailer.send(message, job.message_key, resend=self.mail.resend)
        return MailStatus.WRITTEN if sent == "written" else MailStatus.SENT


def _said(error: HandoutsError) -> str:
    return one_line(error.format_message())


def _mailer(plan: MailPlan, out_dir: Path) -> Any:  # handouts.deliver.mail.Mailer
    from handouts.deliver.mail import Mailer
    from handouts.deliver.outdir import real_folder

    outbox = real_folder(out_dir / OUTBOX) if plan.dry_run else None
    return Mailer(plan.settings, sent_log=out_dir / SENT_LOG, dry_run_dir=outbox)


# --------------------------------------------------------------------------- built.log


def _read_built_log(path: Path) -> dict[str, str]:
    """``name → fingerprint`` from earlier runs; the last line for a name wins."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except (FileNotFoundError, IsADirectoryError):
        return {}
    entries = {}
    for line in lines:
        name, _, fingerprint = line.partition("\t")
        if name and len(fingerprint) == 16:  # a line cut short by a crash is ignored
            entries[name] = fingerprint
    return entries


def _append_built_log(path: Path, name: str, fingerprint: str) -> None:
    from handouts.deliver.files import append_line

    append_line(path, f"{name}\t{fingerprint}\n")
