"""``handouts build``: options → one Request → a PDF written atomically."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from handouts.cli import say
from handouts.cli.options import check_brand_option, handout_options, not_empty, take_options
from handouts.errors import HandoutsError, UsageProblem
from handouts.wording import count

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.session import Session


def parse_date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageProblem(f"{option} {value!r}: use a date like 2026-11-21 (YYYY-MM-DD)") from None


def default_output(handout_id: str, patient: str = "") -> Path:
    """``output/<programme>.pdf``, or ``output/<programme>-<patient>.pdf`` for a patient.

    The patient's part is the file name a batch gives them (``margaret-o-brien``), so one
    patient's handout never overwrites another's.
    """
    from pathlib import Path

    if patient.strip():
        from handouts.deliver.file_names import safe_name

        return Path("output") / f"{handout_id}-{safe_name(patient)}.pdf"
    return Path("output") / f"{handout_id}.pdf"


def write_output(
    pdf: bytes,
    output: str | None,
    handout_id: str,
    inputs: dict[Path, str] | None = None,
    patient: str = "",
) -> Path | None:
    """Write to ``output`` atomically (``-`` means stdout); returns the path written.

    ``inputs`` maps the files the handout was made from to what they are: the output
    is never one of them, however it is spelt (``./x``, a symlink, a hard link).
    """
    from pathlib import Path

    from handouts.deliver.files import same_file, write_atomic

    if output == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return None
    path = Path(output) if output else default_output(handout_id, patient)
    for source, what in (inputs or {}).items():
        if same_file(path, source):
            raise UsageProblem(f"-o {path}: that is {what}; choose another output file")
    if path.is_dir():
        raise UsageProblem(f"-o {path}: is a folder; give a file name, such as {path / 'x.pdf'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pdf)
    except OSError as error:
        raise HandoutsError(f"cannot write {path}: {os_reason(error)}; choose another -o") from None
    return path


def os_reason(error: OSError) -> str:
    """An OSError's reason in words, without the temporary names it may carry."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "a file stands where a folder is needed"
    return (error.strerror or str(error)).lower()


def warn_about_problems(problems: list) -> None:
    """One stderr line for content problems in items a command could do without."""
    if problems:
        say.warn(f"{count(len(problems), 'problem')} in content left out; see `handouts check`")


def prepare_fonts(builder, brand_file: Path | None, texts: Sequence[str]) -> None:  # noqa: ANN001
    """Greek or Cyrillic letters need the fallback face, half a minute the first time: say so."""
    import time

    from handouts.deliver.batch import FONT_NOTICE_AFTER, prepare_fallback_font

    if not any(ord(char) > 0x24F and char.isalpha() for text in texts for char in text):
        return
    started, shown = time.monotonic(), []

    def notice(text: str) -> None:
        shown.append(text)
        say.progress(text)

    prepare_fallback_font(builder, brand_file, notice, FONT_NOTICE_AFTER)
    if shown:
        say.progress(f"fonts ready in {time.monotonic() - started:.0f} s")


def warn_if_demo_brand(brand, handouts: str = "this handout carries") -> None:  # noqa: ANN001
    """One warning line when the made-up demo clinic (a ``Brand``) is about to be printed."""
    from handouts.content.demo import demo_warning, is_demo_brand

    if is_demo_brand(brand):
        say.warn(demo_warning(handouts))


@click.command()
@click.argument("programme", required=False)
@click.option(
    "--exercise",
    "exercises",
    multiple=True,
    metavar="ID[:LEVEL]",
    help="Add an exercise (at a level).",
)
@click.option(
    "--section", "sections", multiple=True, metavar="ID", help="Add an education section."
)
@click.option(
    "--level",
    type=click.IntRange(1, 20),
    help="Start every exercise N−1 levels higher (each capped at its top level).",
)
@click.option("--patient", default="", help="Patient name.")
@click.option("--clinician", default="", help="Clinician name.")
@click.option("--start", default=None, metavar="YYYY-MM-DD", help="Programme start date.")
@click.option("--note", default="", help="A note from the clinician, printed on page one.")
@handout_options("build")
@click.option(
    "--duplex",
    is_flag=True,
    help="For double-sided printing: an even page count, so each copy starts on a front.",
)
@click.option(
    "-o",
    "--output",
    default=None,
    callback=not_empty,
    metavar="PATH|-",
    help="Output file, or - for stdout (default: output/<programme>.pdf, "
    "or output/<programme>-<patient>.pdf with --patient).",
)
@click.pass_obj
def build(
    app: Session,
    programme: str | None,
    exercises: tuple[str, ...],
    sections: tuple[str, ...],
    level: int | None,
    patient: str,
    clinician: str,
    start: str | None,
    note: str,
    duplex: bool,
    output: str | None,
    **values: Any,
) -> None:
    """Build one handout PDF.

    With no arguments, builds the default programme with the built-in demo
    brand into output/<programme-id>.pdf and prints the path.
    """
    from pathlib import Path

    from handouts import api
    from handouts.compose import parse_exercise_ref
    from handouts.content.models import Patient

    options = take_options(values)
    request = api.HandoutRequest(
        programme=programme,
        exercises=[parse_exercise_ref(ref) for ref in exercises],
        sections=sections,
        level=level,
        patient=Patient(
            name=patient, clinician=clinician, start=parse_date(start, "--start"), note=note
        ),
        options=options,
        date=parse_date(options.date, "--date"),
        duplex=duplex,
    )
    check_brand_option(app, options.brand)
    brand_file = options.brand or app.workspace().brand
    if options.attach:  # a bad attachment stops us before building
        from handouts.post.merge import read_attachments

        read_attachments(options.attach)
    say.sources(app)
    prepare_fonts(app.builder(lenient=True), brand_file, (patient, clinician, note))
    built = api.build(app, request)
    warn_about_problems(built.problems)
    say.info(f"brand: {built.handout.brand.name} ({brand_file or 'the built-in demo brand'})")
    for line in built.warnings:
        say.warn(line)
    for line in built.notes:
        say.note(line)
    pdf, handout = built.pdf, built.handout
    inputs = dict.fromkeys(options.attach, "an --attach file")
    if brand_file is not None and Path(brand_file).is_file():
        inputs[Path(brand_file)] = "the brand file"
    path = write_output(pdf, output, handout.id, inputs, patient)
    warn_if_demo_brand(handout.brand)  # once it is written: a failure is the only line
    if path:
        click.echo(str(path))
