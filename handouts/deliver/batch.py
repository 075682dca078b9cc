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

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.deliver import pool
from handouts.deliver.batch_report import REPORT_NAME, MailStatus, Report, RowOutcome, Status
from handouts.deliver.jobs import Job, Result, Settings, brand_path, make_jobs, needs_fallback_font
from handouts.deliver.mail_plan import (
    MailPlan,
    check_templates,
    compose_message,
    email_template_dirs,
    mail_settings,
)
from handouts.deliver.outdir import claim
from handouts.deliver.print_file import Entry, Spool, write_print_file
from handouts.deliver.roster_model import RosterRow
from handouts.deliver.worker import (
    FONT_NOTICE,
    Worker,
    failed_result,
    one_line,
    prepare_fallback_font,
)
from handouts.errors import HandoutsError

if TYPE_CHECKING:
    from handouts.session import Session

__all__ = [  # what the CLI and other front ends use from the batch
    "FONT_NOTICE",
    "REPORT_NAME",
    "Job",
    "MailPlan",
    "MailStatus",
    "Report",
    "Result",
    "RowOutcome",
    "Settings",
    "Status",
    "brand_path",
    "check_templates",
    "compose_message",
    "email_template_dirs",
    "mail_settings",
    "make_jobs",
    "print_file_password_problem",
    "run",
]

BUILT_LOG = "built.log"
SENT_LOG = "sent.log"
OUTBOX = "outbox"
MAIL_STOPPED = "e-mail not sent: sending stopped (the mail server failed; see the end)"
FONT_NOTICE_AFTER = 1.0  # seconds: a warm font cache answers well within this


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
        raise HandoutsError(
            f"print file {combine}: {problem}; give the batch a password to encrypt it, "
            "or allow it unencrypted",
            subject="print file",
        )
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

    The print file holds every handout decrypted: encrypted with the batch's password, or
    not at all. Each front end says how to choose.
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
    return f"{which} unencrypted"


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
        from handouts.deliver.mail_failures import (
            MAYBE_SENT_ADVICE,
            MailServerError,
            MaybeSentError,
        )

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
        from handouts.deliver.mail_message import attachment_name

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
