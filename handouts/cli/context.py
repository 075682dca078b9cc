"""What every command starts from: the run's Session, and the library it loads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from handouts.cli import say
from handouts.session import Session

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.content.library import Library


def session_of(ctx: click.Context) -> Session:
    return ctx.ensure_object(Session)


def load_library(ctx: click.Context, extra: Sequence[Path] = ()) -> tuple[Library, Session]:
    """The loaded library and the ``Session`` holding content folders and workspace settings."""
    from handouts.cli.build import warn_about_problems

    app = session_of(ctx)
    say.sources(app)
    library = app.library(extra, lenient=True)  # a broken draft hides itself, not the rest
    warn_about_problems(library.problems)
    return library, app
