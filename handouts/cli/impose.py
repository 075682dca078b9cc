"""``handouts impose``: a PDF laid out for printing (an A5 booklet), written atomically."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from handouts.cli import say
from handouts.cli.options import FILE_PATH, PathType, handout_option
from handouts.errors import HandoutsError, UsageProblem

if TYPE_CHECKING:
    from pathlib import Path


@click.command()
@click.argument("source", metavar="IN.pdf", type=PathType(exists=True, dir_okay=False))
@click.option(
    "-o", "--output", type=FILE_PATH, default=None, help="Output file (default: <IN>-booklet.pdf)."
)
@handout_option("booklet", "A5 booklet on A4 (or half letter on letter) landscape sheets.")
def impose(source: Path, output: Path | None, booklet: bool) -> None:
    """Impose a PDF for printing (--booklet: an A5 booklet).

    --booklet puts two pages on each side of a landscape sheet.
    Print the result duplex, flipping on the short edge, and fold the stack
    in half. Form fields and bookmarks are not kept (print copy only).
    """
    from handouts.deliver.files import same_file, write_atomic
    from handouts.post.impose import IMPOSE_NOTE, has_forms_or_outline, impose_booklet
    from handouts.post.outside import read_outside, reading, sound

    if not booklet:
        raise click.UsageError("choose a layout: --booklet")
    try:
        data = source.read_bytes()
    except OSError as error:
        raise HandoutsError(f"{source}: {error.strerror or error}") from None
    pdf = read_outside(data, str(source))  # repaired by qpdf, or one line naming it
    with reading(str(source)):
        note = has_forms_or_outline(pdf)
        result = sound(impose_booklet(pdf, _impose_progress), str(source))
    output = output or source.with_name(f"{source.stem}-booklet.pdf")
    if same_file(output, source):  # a symlink or a hard link to it too
        raise UsageProblem(f"-o {output}: choose an output file other than the input")
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, result)
    if note:
        say.note(IMPOSE_NOTE)
    click.echo(str(output))


IMPOSE_PROGRESS_EVERY = 250  # sheet sides: a long file says how far it is, about every 10 s


def _impose_progress(done: int, total: int) -> None:
    if total > IMPOSE_PROGRESS_EVERY and (done % IMPOSE_PROGRESS_EVERY == 0 or done == total):
        click.echo(f"imposing: {done:,} of {total:,} sheet sides", err=True)
