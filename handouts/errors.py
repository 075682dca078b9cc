"""The project's own exceptions: a plain tree, grouped by pipeline stage.

Every error a user can cause derives from ``HandoutsError`` and says, in one
line, what is wrong and what to do, in the words of the input ("exercise",
"attachment"). Nothing here knows about click: the command line turns these
into ``error: ...`` lines and exit codes in one place (``handouts.cli.app``),
and another front end (a web page) can turn them into its own responses.

::

    HandoutsError                  exit 1
    ├── UsageProblem               exit 2: a bad option value or combination
    ├── ContentError               problems in content files, every one (Problem)
    ├── SelectionError             exit 2: compose: what was asked for (an unknown id, a level)
    ├── BrandError                 the brand file (colours, fonts, logo)
    ├── RenderError                the handout cannot be laid out or drawn
    ├── PdfError                   post: a PDF that cannot be read, merged or imposed
    └── DeliveryError              deliver: rosters, output folders, e-mail
"""

from __future__ import annotations

from typing import NamedTuple

from handouts.wording import count

# Exit codes, documented in ``handouts --help``.
EXIT_OK = 0
EXIT_PROBLEMS = 1  # content errors, failed batch rows, failed build
EXIT_USAGE = 2  # bad command-line usage (click's own code)


class HandoutsError(Exception):
    """An error the user can fix; shown as one line."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, subject: str = "", needs: str = "") -> None:
        """``subject``: the input the message starts with ("exercise", "attachment"), so a
        front end can name it as its user gave it (the CLI says "--exercise", "--attach").
        ``needs``: the input the message asks for, in words ("a new id for the copy"); a
        front end may add where its user gives that (the CLI names the option)."""
        super().__init__(message)
        self.message = message
        self.subject = subject
        self.needs = needs

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        """The message, as shown after ``error:``."""
        return self.message

    def lines(self) -> list[str]:
        """What a front end shows, a line each."""
        return [f"error: {self.message}"]


class UsageProblem(HandoutsError):
    """A bad option value or combination, said in one line; exit 2 as for usage errors."""

    exit_code = EXIT_USAGE


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

    def lines(self) -> list[str]:
        return [*map(str, self.problems), f"{count(len(self.problems), 'problem')} found"]


class SelectionError(HandoutsError):
    """What was asked for cannot make a handout (an unknown id, a level out of range).

    On the command line that is a bad option value or argument: exit 2, as for usage errors.
    """

    exit_code = EXIT_USAGE


class BrandError(HandoutsError):
    """The brand file is unusable (bad colour, missing font, missing logo)."""


class RenderError(HandoutsError):
    """The handout cannot be laid out or drawn (e.g. content too large for a page)."""


class PdfError(HandoutsError):
    """A PDF cannot be read, merged, imposed or encrypted (an attachment, an input to impose)."""


class DeliveryError(HandoutsError):
    """Getting handouts to people failed: a roster, the output folder, the mail server."""
