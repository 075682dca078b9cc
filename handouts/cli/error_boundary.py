"""The one error boundary: a ``HandoutsError`` becomes its lines on stderr and its exit code.

Usage errors are worded as every other error line is (``error: ...``; click says
"Error:"), and a file-system error no command foresaw is one line, not a traceback.
"""

from __future__ import annotations

import click

from handouts.cli import say
from handouts.errors import HandoutsError


class _UsageError(click.UsageError):
    """click's usage error, its last line worded like every other: ``error: <message>``."""

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        import io
        import re

        shown = io.StringIO()
        super().show(shown)
        usage, _, message = shown.getvalue().rpartition("Error: ")
        # "Invalid value for '--config': File 'x' does not exist." → as handouts words it
        message = re.sub(r"(^|: )([A-Z])(?=[a-z ])", lambda m: m[1] + m[2].lower(), message)
        error = say.prefixed("error", message.rstrip().rstrip("."))
        click.echo(f"{usage}{error}", err=file is None, file=file)


def _as_usage_error(error: click.UsageError) -> _UsageError:
    converted = _UsageError(error.format_message(), error.ctx)
    converted.exit_code = error.exit_code
    return converted


class HandoutsGroup(click.Group):
    """Turns a file-system error no command foresaw into one line instead of a traceback.

    Usage errors print ``error: ...`` as every other error line does (click says "Error:").
    """

    def make_context(self, *args, **kwargs) -> click.Context:  # noqa: ANN002, ANN003
        try:
            return super().make_context(*args, **kwargs)
        except click.UsageError as error:
            if isinstance(error, _UsageError):
                raise
            raise _as_usage_error(error) from None

    def invoke(self, ctx: click.Context):  # noqa: ANN201 - click's signature
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            if isinstance(error, _UsageError):
                raise
            raise _as_usage_error(error) from None
        except HandoutsError as error:
            raise _Shown(error) from None
        except OSError as error:
            from handouts.cli.build import os_reason

            where = error.filename2 or error.filename  # os.replace(part, target): the target
            reason = os_reason(error)
            raise _Shown(HandoutsError(f"{where}: {reason}" if where else reason)) from None


# The input an error is about ("subject"), as the command line's user gave it.
_FLAGS = {
    "exercise": "--exercise",
    "attachment": "--attach",
    "new id": "--as",
    "print file": "--combine",
}
# The input an error asks for ("needs"), and the options that give it.
_GIVEN_WITH = {
    "new id": "--as NEW",
    "brand": "--brand FILE|ID",
    "selection": "--exercise or --section",
}


class _Shown(click.ClickException):
    """The one place a ``HandoutsError`` becomes output: its lines on stderr, its exit code."""

    def __init__(self, error: HandoutsError) -> None:
        super().__init__(error.message)
        self.error = error
        self.exit_code = error.exit_code

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        for line in _lines(self.error):
            kind, colon, text = line.partition(": ")
            line = say.prefixed(kind, text) if colon and kind == "error" else line
            click.echo(line, err=file is None, file=file)


def _lines(error: HandoutsError) -> list[str]:
    """The error's lines, the input it names said as the option that gave it, and the
    option that gives what it asks for."""
    flag = _FLAGS.get(error.subject)
    if flag and error.message.startswith(f"{error.subject} "):
        return [f"error: {flag}{error.message[len(error.subject) :]}"]
    if error.needs in _GIVEN_WITH:
        return [f"error: {error.message} with {_GIVEN_WITH[error.needs]}"]
    return error.lines()
