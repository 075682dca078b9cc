"""The worker side of a batch: build, finish and write one row's handout.

A :class:`Worker` keeps a Builder (content parsed, fonts registered) for the life of
its process; ``pool.py`` makes one per worker process. One row never stops the
others: a ``HandoutsError`` becomes the row's reason, any other exception is
reported with its type. Each PDF is written atomically and never through a link
planted in the output folder, and its bytes go back in the Result: e-mail and the
print file use those, never a file re-read by name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.deliver.batch_report import Status
from handouts.deliver.jobs import Job, Result, Settings, brand_path
from handouts.errors import HandoutsError
from handouts.post.finish import finish_pdf

if TYPE_CHECKING:
    from handouts.session import Session

FONT_NOTICE = "Preparing fonts for Greek/Cyrillic names (first run only)…"


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
        pdf, notes = self._finish(job, pdf, password=job.password, bleed=s.options.bleed)
        if s.booklet:  # beside the full-size handout, never over it
            # Laid out again at half the paper's size, to print at 100 % when folded.
            folded = self.builder.build(self._request(job, booklet=True))[1]
            folded = self._finish(job, folded)[0]
            booklet, notes = finish_pdf(folded, booklet=True, password=job.password)
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

    def _finish(
        self, job: Job, pdf: bytes, password: str = "", bleed: bool = False
    ) -> tuple[bytes, list[str]]:
        """The row's PDF with the attachments, the name kept out, a bleed, its password."""
        s = self.settings
        return finish_pdf(
            pdf,
            attachments=s.attachments,
            field_prefix=job.field_prefix,
            private_name=job.patient if s.options.private else "",
            bleed=bleed,
            password=password,
        )

    def _request(self, job: Job, booklet: bool = False):  # noqa: ANN202 - build.Request
        from dataclasses import replace

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
            options=replace(s.options, booklet=booklet),  # the full-size handout, or the booklet
            date=s.date,
        )

    def _brand_file(self, value: str) -> Path | None:
        """A row's brand: a brand id from the library, or a YAML file (relative to the roster)."""
        if not value:
            return self.settings.brand_file
        library = self.builder.library
        if value in library.brands:
            return library.origin("brands", value)
        from handouts.content.workspace import brand_file_allowed

        path = brand_path(value, self.settings.roster_dir)
        roots = (self.settings.roster_dir, Path.cwd())  # the roster's folder, the workspace
        if not path.is_file() or not any(brand_file_allowed(path, root) for root in roots):
            raise HandoutsError(
                f'brand: no brand "{value}" in the library, and no brand YAML file of that'
                " name in the roster's or the working folder; give a brand id from"
                " `handouts list brands`"
            )
        return path

    @staticmethod
    def _context(handout: Any, job: Job) -> dict[str, Any] | None:
        if not job.want_context:
            return None
        from handouts.deliver.mail_message import message_context

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
