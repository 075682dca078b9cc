"""The functions both front ends call: the command line and the web page.

::

    from handouts import api

    session = api.open_session()                    # the built-in library, loaded once
    built = api.build(session, api.HandoutRequest("soleus-strength-runners"))
    open("handout.pdf", "wb").write(built.pdf)

A ``Session`` keeps the library, brands, fonts and themes loaded, so each later
``build`` with it takes a fraction of the first. Errors are ``HandoutsError``s
(``handouts.errors``), worded in terms of the input; nothing here prints,
exits or imports click.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import ContentError, HandoutsError, Problem
from handouts.options import HandoutOptions
from handouts.session import Session

if TYPE_CHECKING:
    from handouts.build import Builder, Request
    from handouts.check import CheckResult
    from handouts.compose import Handout
    from handouts.content.models import Patient, Programme
    from handouts.deliver.batch import Report, Settings
    from handouts.deliver.roster_model import RosterRow

__all__ = [
    "Built",
    "HandoutOptions",
    "HandoutRequest",
    "Session",
    "build",
    "check",
    "combine",
    "encrypt",
    "impose",
    "open_session",
    "run_batch",
]


def open_session(
    content: Sequence[Path] = (),
    *,
    builtin: bool = True,
    cwd: Path | None = None,
    config: Path | None = None,
) -> Session:
    """The library: built-in content, handouts.yaml's clinic folders, then ``content``.

    ``config``: the handouts.yaml to use (default: the nearest one in ``cwd`` or above).
    Nothing is loaded until the first build or check.
    """
    return Session(content, include_builtin=builtin, cwd=cwd, config=config)


@dataclass(frozen=True)
class HandoutRequest:
    """What goes in one handout and who it is for.

    With no programme, exercises or sections, the default programme.
    ``programme``: a programme's id, or a ``Programme`` model that is not in the library
    (a draft, such as the web page's edited plan: its exercises and sections must be).
    ``exercises``: ``(id, level)`` pairs (level ``None``: the first), as ``"id:level"``
    parses with ``compose.parse_exercise_ref``.
    """

    programme: str | Programme | None = None
    exercises: Sequence[tuple[str, int | None]] = ()
    sections: Sequence[str] = ()
    level: int | None = None
    patient: Patient | None = None
    options: HandoutOptions = HandoutOptions()
    date: dt.date | None = None  # default: options.date, else SOURCE_DATE_EPOCH or today
    duplex: bool = False  # an even page count, so each printed copy starts on a front


@dataclass
class Built:
    """A finished handout: the PDF and what its reader should be told."""

    pdf: bytes
    handout: Handout
    warnings: list[str] = field(default_factory=list)  # e.g. a brand colour darkened
    notes: list[str] = field(default_factory=list)  # e.g. what a booklet leaves out
    problems: list[Problem] = field(default_factory=list)  # content left out of the library


def build(session: Session, request: HandoutRequest) -> Built:
    """Compose, render and finish one handout (attach, scrub, impose, encrypt as asked).

    Content problems elsewhere in the library do not stop it: the items at fault are
    left out and listed in ``Built.problems``. If the handout itself fails while the
    library has problems, they are the likely cause, so all of them are the error.
    """
    from handouts.build import DEFAULT_PROGRAMME, Request
    from handouts.compose import Selection
    from handouts.content.models import Patient

    options = request.options
    programme = request.programme
    if not programme and not request.exercises and not request.sections:
        programme = DEFAULT_PROGRAMME
    selection = Selection(
        programme=programme,
        exercises=list(request.exercises),
        sections=list(request.sections),
        level=request.level,
        weeks=options.weeks,
        sessions=options.sessions,
    )
    patient = request.patient or Patient()
    brand = options.brand or session.workspace().brand
    wanted = Request(
        selection=selection,
        patient=patient,
        brand_file=Path(brand) if brand else None,
        options=options.render_options(request.duplex),
        date=request.date or _date(options.date),
    )
    extras: list[bytes] = []
    post_steps = options.post_steps or request.duplex
    if post_steps:  # post-processing loads pypdf: only when an option asks for a step
        from handouts.post.merge import read_attachments

        extras = read_attachments(options.attach)  # a bad attachment stops us before building
    builder = session.builder(lenient=True)
    handout, pdf = build_despite_other_problems(builder, wanted)
    problems = list(builder.library.problems)
    built = Built(pdf, handout, list(builder.warnings(handout)), problems=problems)
    if post_steps:
        from handouts.post.finish import finish_pdf

        built.pdf, built.notes = finish_pdf(
            pdf,
            attachments=extras,
            private_name=patient.name if options.private else "",
            booklet=options.booklet,
            bleed=options.bleed,
            password=options.password or "",
            duplex=request.duplex,
        )
    return built


def build_despite_other_problems(builder: Builder, request: Request) -> tuple[Handout, bytes]:
    """Build from a leniently loaded library: content problems elsewhere do not stop it.

    If the build itself fails while the library has problems, they are the likely cause
    (a broken programme is simply missing), so every one of them is the error.
    """
    problems = builder.library.problems
    try:
        return builder.build(request)
    except HandoutsError as error:
        if problems:  # with the build's own content problems, if it found any
            own = error.problems if isinstance(error, ContentError) else []
            raise ContentError([*problems, *own]) from None
        raise


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HandoutsError(
            f"date {value!r}: use a date like 2026-11-21 (YYYY-MM-DD)", subject="date"
        ) from None


def check(session: Session, extra: Sequence[Path] = ()) -> CheckResult:
    """Every problem in the library and the clinic's folders (``extra``: more content folders).

    Content problems are in ``CheckResult.problems`` (none: all is well), not raised;
    ``CheckResult.warnings`` holds what is valid but likely not meant.
    """
    from handouts.check import check_library

    return check_library(session, extra)


def run_batch(
    rows: Sequence[RosterRow], settings: Settings, session: Session, **how: object
) -> Report:
    """One handout per roster row; ``how``: ``jobs``, ``combine``, ``mail``, ``progress``…

    See ``handouts.deliver.batch.run``. Row problems never raise; they are in the report.
    """
    from handouts.deliver.batch import run

    return run(rows, settings, session=session, **how)  # type: ignore[arg-type]


def impose(pdf: bytes) -> tuple[bytes, list[str]]:
    """An A5 booklet of ``pdf`` on A4 (or half letter on letter) sheets, and notes for the user."""
    from handouts.post.impose import IMPOSE_NOTE, has_forms_or_outline, impose_booklet
    from handouts.post.merge import page_count

    page_count(pdf)  # an unreadable or encrypted input is an error naming it
    notes = [IMPOSE_NOTE] if has_forms_or_outline(pdf) else []
    return impose_booklet(pdf), notes


def combine(pdfs: Sequence[bytes], titles: Sequence[str] | None = None) -> bytes:
    """One print file of several handouts, in order, each under its own bookmark."""
    from handouts.post.merge import combine as combined

    return combined(list(pdfs), list(titles) if titles else None)


def encrypt(pdf: bytes, password: str) -> bytes:
    """``pdf`` encrypted with AES-256; the password opens it."""
    from handouts.post.protect import encrypt as encrypted

    return encrypted(pdf, password)
