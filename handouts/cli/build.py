"""``handouts build``: options → one Request → a PDF written atomically."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from handouts.cli import say
from handouts.cli.options import handout_options, not_empty, take_options
from handouts.errors import HandoutsError, UsageProblem

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.session import Session


class PathType(click.Path):
    """A ``click.Path`` whose values are ``pathlib.Path`` objects.

    ``click.Path(path_type=Path)`` needs pathlib where the options are declared, so
    every ``handouts --help`` would import it; this imports it for the first value.
    """

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        from pathlib import Path

        return Path(super().convert(value, param, ctx))


FILE_PATH = PathType(dir_okay=False)  # an input or output file, never a folder


def parse_date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageProblem(f"{option} {value!r}: use a date like 2026-11-21 (YYYY-MM-DD)") from None


def default_output(handout_id: str, patient: str = "") -> Path:
    """``output/<programme>.pdf``, or ``output/<programme>-<patient>.pdf`` for a patient.

    The patient's part is the file name a batch gives them (``margaret-obrien``), so one
    patient's handout never overwrites another's.
    """
    from pathlib import Path

    if patient.strip():
        from handouts.deliver.roster import safe_name

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
            raise HandoutsError(f"-o {path}: that is {what}; choose another output file")
    if path.is_dir():
        raise HandoutsError(f"-o {path}: is a folder; give a file name, such as {path / 'x.pdf'}")
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


def build_despite_other_problems(builder, request):  # noqa: ANN001, ANN201
    """Build from a leniently loaded library: content problems elsewhere are a warning.

    If the build itself fails while the library has problems, they are the likely cause
    (a broken programme is simply missing), so every one of them is the error.
    """
    from handouts.errors import ContentError

    problems = builder.library.problems
    try:
        built = builder.build(request)
    except HandoutsError as error:
        if problems:  # with the build's own content problems, if it found any
            own = error.problems if isinstance(error, ContentError) else []
            raise ContentError([*problems, *own]) from None
        raise
    warn_about_problems(problems)
    return built


def warn_about_problems(problems: list) -> None:
    """One stderr line for content problems in items a command could do without."""
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        say.warn(f"{count} in content left out; see `handouts check`")


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
    from handouts.build import DEFAULT_PROGRAMME, Request
    from handouts.compose import Selection, parse_exercise_ref
    from handouts.content.models import Patient

    options = take_options(values)
    if not programme and not exercises and not sections:
        programme = DEFAULT_PROGRAMME
    selection = Selection(
        programme=programme,
        exercises=[parse_exercise_ref(ref) for ref in exercises],
        sections=list(sections),
        level=level,
        weeks=options.weeks,
        sessions=options.sessions,
    )
    request = Request(
        selection=selection,
        patient=Patient(
            name=patient, clinician=clinician, start=parse_date(start, "--start"), note=note
        ),
        brand_file=options.brand or app.workspace().brand,
        options=options.render_options(),
        date=parse_date(options.date, "--date"),
    )
    # Post-processing loads pypdf: only pay for it when an option asks for a step.
    post_steps = options.post_steps or duplex
    if post_steps:
        from handouts.post import finish, merge

        extras = merge.read_attachments(options.attach)  # a bad attachment stops us before building
    say.sources(app)
    builder = app.builder(lenient=True)
    prepare_fonts(builder, request.brand_file, (patient, clinician, note))
    handout, pdf = build_despite_other_problems(builder, request)
    say.info(f"brand: {handout.brand.name} ({request.brand_file or 'the built-in demo brand'})")
    for warning in builder.warnings(handout):
        say.warn(warning)
    if post_steps:
        pdf, notes = finish.finish_pdf(
            pdf,
            attachments=extras,
            private_name=patient if options.private else "",
            booklet=options.booklet,
            password=options.password or "",
            large_print=options.large_print,
            duplex=duplex,
        )
        for line in notes:
            say.note(line)
    from pathlib import Path

    inputs = dict.fromkeys(options.attach, "an --attach file")
    if request.brand_file is not None and Path(request.brand_file).is_file():
        inputs[Path(request.brand_file)] = "the brand file"
    path = write_output(pdf, output, handout.id, inputs, patient)
    warn_if_demo_brand(handout.brand)  # once it is written: a failure is the only line
    if path:
        click.echo(str(path))
