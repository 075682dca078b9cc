"""What a batch did: each row's status, the counts, the exit code, the summary and the CSV.

The driver (``batch.py``) adds one :class:`RowOutcome` per roster row as it
finishes; the CLI prints :meth:`Report.messages` and :meth:`Report.summary` and
exits with :attr:`Report.exit_code`. ``batch-report.csv`` lists the rows that need
a person's attention (a failed handout, a failed or maybe-sent message).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from handouts.wording import count

# post.combine keeps the pages, not the handouts' structure trees.
COMBINED_NOTE = (
    "the combined file is for printing: it is not tagged for screen readers; "
    "send each patient their own handout"
)

REPORT_NAME = "batch-report.csv"
REPORT_COLUMNS = ("row", "patient", "reason")


class Status(Enum):
    """What happened to a row's handout."""

    BUILT = "built"
    SKIPPED = "skipped"  # a valid PDF from an earlier run, kept by --resume
    FAILED = "failed"


class MailStatus(Enum):
    """What happened to a row's message (``NONE`` without ``--email``)."""

    NONE = ""
    SENT = "sent"
    WRITTEN = "written"  # --dry-run: an .eml file in the outbox
    ALREADY_SENT = "already sent"
    MAYBE_SENT = "maybe sent"  # handed over, but the server's answer never came
    FAILED = "failed"


MAIL_NEEDS_A_LOOK = (MailStatus.FAILED, MailStatus.MAYBE_SENT)


@dataclass
class RowOutcome:
    """One roster row's fate; ``index`` is its place in the roster, ``label`` how it is named."""

    index: int
    label: str
    patient: str
    status: Status
    detail: str  # the file name, or why the handout failed
    mail: MailStatus = MailStatus.NONE
    mail_detail: str = ""
    check: str = ""  # built as asked, within limits the row went past (a level above the top)

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED or self.mail in MAIL_NEEDS_A_LOOK

    @property
    def needs_a_look(self) -> bool:
        return self.failed or bool(self.check)

    @property
    def reason(self) -> str:
        if self.status is Status.FAILED:
            return self.detail
        return "; ".join(part for part in (self.mail_detail, self.check) if part)

    def progress_line(self, done: int, total: int) -> str:
        """``[3/20] built ann.pdf, e-mailed`` or ``[4/20] failed row 5 (Ben): why``."""
        head = f"[{done}/{total}]"
        if self.status is Status.FAILED:
            who = f" ({self.patient})" if self.patient else ""
            return f"{head} failed row {self.label}{who}: {self.detail}"
        text = f"{head} {self.status.value} {self.detail}"
        if self.status is Status.SKIPPED:
            text += " (already built)"
        if self.check:
            text += f" ({self.check})"
        mail = {
            MailStatus.SENT: ", e-mailed",
            MailStatus.WRITTEN: ", message written to outbox",
            MailStatus.ALREADY_SENT: ", already e-mailed",
            MailStatus.FAILED: f"; {self.mail_detail}",
            MailStatus.MAYBE_SENT: f"; {self.mail_detail}",
        }
        return text + mail.get(self.mail, "")


@dataclass
class Report:
    """Counts, exit code and summary of one batch run."""

    out_dir: Path
    private: bool = False  # --private: the CSV names rows, never patients
    elapsed: float = 0.0
    csv: Path | None = None
    combined: Path | None = None
    combined_pages: int = 0
    combine_error: str = ""
    combine_note: str = ""
    mail_error: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _rows: dict[int, RowOutcome] = field(default_factory=dict, repr=False)

    # -- filling in

    def add(self, outcome: RowOutcome) -> None:
        self._rows[outcome.index] = outcome

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    # -- reading

    @property
    def rows(self) -> list[RowOutcome]:
        """Every row, in roster order."""
        return [self._rows[index] for index in sorted(self._rows)]

    def count(self, status: Status) -> int:
        return sum(1 for row in self._rows.values() if row.status is status)

    def mail_count(self, status: MailStatus) -> int:
        return sum(1 for row in self._rows.values() if row.mail is status)

    @property
    def failures(self) -> list[tuple[str, str, str]]:
        """(row, patient, reason) of the rows that need a look, in roster order."""
        return [(row.label, row.patient, row.reason) for row in self.rows if row.needs_a_look]

    @property
    def ok(self) -> bool:
        """No row failed, nor e-mail, nor the print file (rows to check only are listed)."""
        failed = any(row.failed for row in self._rows.values())
        return not failed and not self.combine_error and not self.mail_error

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    # -- telling

    def messages(self) -> list[str]:
        """Lines for stderr: warnings, notes, and what stopped e-mail or the print file."""
        lines = [f"warning: {text}" for text in self.warnings]
        lines += [f"note: {text}" for text in self.notes]
        if self.combine_note:
            lines.append(f"note: {self.combine_note}")
        if self.mail_error:
            lines.append(f"error: e-mail stopped: {self.mail_error}")
        if self.combine_error:
            lines.append(f"error: print file {self.combine_error}")
        return lines

    def summary(self, mail_dry_run: bool | None = None) -> list[str]:
        """Lines for stdout; ``mail_dry_run`` is None without --email."""
        built, skipped, failed = (self.count(s) for s in Status)
        speed = built / self.elapsed if self.elapsed > 0 else 0.0
        total = len(self._rows)
        lines = [
            f"{count(total, 'row')}: {built} built, {skipped} skipped, "
            f"{failed} failed in {self.elapsed:.1f} s ({speed:.1f} handouts/s)"
        ]
        if mail_dry_run is not None:
            lines.append(self._mail_summary(mail_dry_run))
        if self.combined:
            lines.append(f"combined: {self.combined} ({self.combined_pages} pages)")
            lines.append(f"note: {COMBINED_NOTE}")
        lines.append(f"output: {self.out_dir}")
        if self.csv:
            failed = any(row.failed for row in self._rows.values())
            lines.append(f"{'failed rows' if failed else 'rows to check'}: {self.csv}")
        return lines

    def _mail_summary(self, dry_run: bool) -> str:
        first = MailStatus.WRITTEN if dry_run else MailStatus.SENT
        shown = (first, MailStatus.ALREADY_SENT, MailStatus.MAYBE_SENT, MailStatus.FAILED)
        always = (first, MailStatus.FAILED)
        counts = [(self.mail_count(s), s) for s in shown]
        parts = [f"{n} {s.value}" for n, s in counts if n or s in always]
        if dry_run:
            parts[0] += f" to {self.out_dir / 'outbox'}"
        return ("e-mail (dry run): " if dry_run else "e-mail: ") + ", ".join(parts)

    # -- the CSV

    def write_csv(self) -> Path | None:
        """``batch-report.csv`` when rows need a look; removed when none do.

        Written atomically; every cell neutralised against spreadsheet formulas; with
        ``private`` the patient column stays empty (the row number finds the patient).
        """
        from handouts.deliver.files import write_atomic
        from handouts.deliver.safe_csv import csv_bytes

        path = self.out_dir / REPORT_NAME
        failures = self.failures
        if not failures:
            path.unlink(missing_ok=True)  # a stale report would claim failures that are fixed
            self.csv = None
            return None
        if self.private:
            failures = [(label, "", reason) for label, _, reason in failures]
        write_atomic(path, csv_bytes(REPORT_COLUMNS, failures), follow_symlinks=False)
        self.csv = path
        return path
