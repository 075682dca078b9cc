"""``handouts check``: every problem in the content, one line each, before a build meets it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from handouts.cli import say
from handouts.cli.context import session_of
from handouts.cli.options import content_option
from handouts.errors import ContentError
from handouts.session import Session
from handouts.wording import count

if TYPE_CHECKING:
    from pathlib import Path


@click.command()
@content_option("Also check this clinic folder (repeatable).")
@click.pass_context
def check(ctx: click.Context, content_dirs: tuple[Path, ...]) -> None:
    """Validate all content; list every problem (exit 1 if any)."""
    from handouts.check import check_library
    from handouts.views import counts

    app = session_of(ctx)
    result = check_library(app, content_dirs)
    if result.problems or result.library is None:
        raise ContentError(result.problems)
    for warning in result.warnings:
        say.warn(str(warning))
    folders = _folders_text(app, len(app.content_folders(content_dirs)))
    click.echo(f"ok: {counts(result.library)} ({folders})")


def _folders_text(app: Session, clinic: int) -> str:
    folders = count(clinic, "clinic folder")
    if not app.include_builtin:
        return folders
    return f"built-in content and {folders}" if clinic else "built-in content only"
