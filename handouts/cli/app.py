"""The ``handouts`` command line: the root group, and each command registered on it.

Keep the module top light: ``handouts --help`` must not import reportlab,
pypdf or even pydantic (nor pathlib, a few milliseconds). Each command lives in a
module of its own, which imports only click at its top (importing it here keeps
--help quick) and what it needs inside its body.

Adding a command::

    @click.command()
    @click.pass_context
    def build(ctx: click.Context, ...) -> None:
        library, app = load_library(ctx)     # built-in + handouts.yaml + --content
        brand = app.workspace().brand        # handouts.yaml settings
        ...

and ``main.add_command(build)`` below. Raise a ``HandoutsError`` subclass for anything
the user can fix: :class:`handouts.cli.error_boundary.HandoutsGroup` is the one place
that turns it into ``error: ...`` (``ContentError``: one line per problem) and its
exit code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from handouts import __version__
from handouts.cli import say
from handouts.cli.batch import batch
from handouts.cli.browse import figures, list_items, show
from handouts.cli.build import build
from handouts.cli.check import check
from handouts.cli.error_boundary import HandoutsGroup
from handouts.cli.impose import impose
from handouts.cli.mail_check import mail_check
from handouts.cli.options import PathType, content_option
from handouts.cli.send import send
from handouts.cli.serve import serve
from handouts.cli.workspace import copy_command, init
from handouts.session import Session

if TYPE_CHECKING:
    from pathlib import Path

MAIN_HELP = """Make branded, print-ready PDF exercise handouts.

Content comes from the built-in library, then from the clinic folders listed
in handouts.yaml, then from each --content folder. An item with the same id as
an earlier one replaces it. handouts.yaml is the one named by --config or
HANDOUTS_CONFIG, else the nearest one in the working folder or a folder above it.

\b
Exit codes:
  0  success
  1  content problems, a damaged input file, a failed build, or failed batch rows
  2  command-line usage error: an unknown option or id, a bad option value
"""


@click.group(
    cls=HandoutsGroup, help=MAIN_HELP, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, "--version", prog_name="handouts")
@content_option("A clinic content folder (repeatable); loaded after the built-in library.")
@click.option(
    "--config",
    type=PathType(exists=True, dir_okay=False),
    envvar="HANDOUTS_CONFIG",
    metavar="FILE",
    help="The workspace settings file [env HANDOUTS_CONFIG] (default: the nearest "
    "handouts.yaml in this folder or above).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors, warnings and results.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also say which settings, brand and content are used."
)
@click.option(
    "--no-builtin",
    is_flag=True,
    hidden=True,
    envvar="HANDOUTS_NO_BUILTIN",
    help="Skip the built-in content (for tests and content development).",
)
@click.pass_context
def main(
    ctx: click.Context,
    content_dirs: tuple[Path, ...],
    config: Path | None,
    quiet: bool,
    verbose: bool,
    no_builtin: bool,
) -> None:
    if quiet and verbose:
        raise click.UsageError("-q and -v: choose one")
    ctx.meta[say.VERBOSITY] = say.QUIET if quiet else say.VERBOSE if verbose else say.NORMAL
    ctx.obj = Session(
        content_dirs=list(content_dirs), include_builtin=not no_builtin, config=config
    )


for command in (list_items, show, figures, copy_command, check, init, build, batch):
    main.add_command(command)
for command in (mail_check, impose, send, serve):
    main.add_command(command)
