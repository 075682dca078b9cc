"""The project's own exceptions.

Every error a user can cause derives from ``HandoutsError`` (a
``click.ClickException``), so the CLI prints one line and never a traceback.
"""

from __future__ import annotations

from typing import NamedTuple

import click

# Exit codes, documented in ``handouts --help``.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # content errors, failed batch rows, failed build
EXIT_USAGE = 2  # bad command-line usage (click's own code)


class HandoutsError(click.ClickException):
    """An error the user can fix; printed as one line."""

    exit_code = EXIT_PROBLEMS

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class Problem(NamedTuple):
    """One problem found in a content file: ``path:line: field: message``.

    A NamedTuple rather than a dataclass: immutable and sorted by position the
    same way, without importing ``dataclasses`` into ``handouts --help``.
    """

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ContentError(HandoutsError):
    """One or more problems in content files; all are reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file=None) -> None:  # noqa: ANN001
        for problem in self.problems:
            click.echo(str(problem), err=True, file=file)
        count = len(self.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found", err=True, file=file)


class RenderError(HandoutsError):
    """The handout cannot be laid out or drawn (e.g. content too large for a page)."""


class BrandError(HandoutsError):
    """The brand file is unusable (bad colour, missing font, missing logo)."""
