"""How the command line talks: warning, note and info lines, -q and -v, and colour.

Every message line starts with what it is (``error:``, ``warning:``, ``note:``,
``info:``), in lowercase, so a log reads the same whichever command wrote it.
The prefix is coloured only when stderr is a terminal (and ``NO_COLOR`` is unset),
never in a pipe or a log file.

``-q`` keeps errors, warnings and results (the path written, the batch summary);
it drops notes and per-row progress. ``-v`` adds info lines: which handouts.yaml,
brand and content folders a run uses.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from handouts.session import Session

QUIET, NORMAL, VERBOSE = 0, 1, 2
VERBOSITY = "handouts.verbosity"  # its key in click's context meta, which every command shares
_COLOURS = {"error": "red", "warning": "yellow", "note": "cyan", "info": "blue"}


def verbosity() -> int:
    """-q (0), neither (1) or -v (2), as the root command was given."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(VERBOSITY, NORMAL) if ctx is not None else NORMAL


def colour() -> bool:
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR")


def prefixed(kind: str, text: str) -> str:
    """``kind: text``, the prefix in colour on a terminal."""
    prefix = f"{kind}:"
    if colour():
        bold = {"bold": True} if kind == "error" else {}
        prefix = click.style(prefix, fg=_COLOURS.get(kind), **bold)
    return f"{prefix} {text}"


def warn(text: str) -> None:
    click.echo(prefixed("warning", text), err=True)


def note(text: str) -> None:
    if verbosity() > QUIET:
        click.echo(prefixed("note", text), err=True)


def info(text: str) -> None:
    if verbosity() >= VERBOSE:
        click.echo(prefixed("info", text), err=True)


def sources(session: Session) -> None:
    """-v: which handouts.yaml and content folders a run uses."""
    if verbosity() < VERBOSE:
        return
    file = session.workspace().file
    info(f"settings: {file}" if file else "settings: no handouts.yaml here or above")
    folders = ", ".join(str(folder) for folder in session.content_folders()) or "none"
    builtin = "the built-in library" if session.include_builtin else "no built-in library"
    info(f"content: {builtin}; clinic folders: {folders}")


def progress(text: str) -> None:
    """A progress line (``[3/20] built ann.pdf``, preparing fonts); -q drops it."""
    if verbosity() > QUIET:
        click.echo(text, err=True)
