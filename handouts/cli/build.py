"""``handouts build``: options → one Request → a PDF written atomically."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from handouts.errors import HandoutsError, UsageProblem

if TYPE_CHECKING:
    from pathlib import Path


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

    from handouts.deliver.files import write_atomic

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


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file: the same path, a link to it, or a hard link."""
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


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
        click.echo(f"warning: {count} in content left out; see `handouts check`", err=True)


def warn_if_demo_brand(brand, handouts: str = "this handout carries") -> None:  # noqa: ANN001
    """One warning line when the made-up demo clinic (a ``Brand``) is about to be printed."""
    from handouts.content.demo import demo_warning, is_demo_brand

    if is_demo_brand(brand):
        click.echo(f"warning: {demo_warning(handouts)}", err=True)


def not_empty(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An empty option value is a script's unset variable, never what the user meant."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give a value, or leave the option out")
    return value


def password_option(help_text: str) -> Callable:
    """``--password``, where "" (an unset variable in a script) is refused, not "no encryption"."""
    return click.option("--password", default=None, callback=not_empty, help=help_text)


def handout_options(command: Callable) -> Callable:
    """The options that shape every handout, shared by ``build`` and ``batch``."""
    for option in reversed(
        [
            click.option(
                "--weeks", type=click.IntRange(1, 52), help="Override the number of weeks."
            ),
            click.option(
                "--sessions", type=click.IntRange(1, 14), help="Override the sessions per week."
            ),
            click.option(
                "--paper",
                type=click.Choice(["a4", "letter"]),
                help="Paper size (default: the brand's).",
            ),
            click.option(
                "--large-print", is_flag=True, help="Body text 14 pt and larger tick boxes."
            ),
            click.option("--ink-saver", is_flag=True, help="No large filled areas."),
            click.option(
                "--fillable", is_flag=True, help="Tick boxes and pain scores as PDF form fields."
            ),
            click.option(
                "--date",
                "date",
                default=None,
                metavar="YYYY-MM-DD",
                help="Handout date (default: today or SOURCE_DATE_EPOCH).",
            ),
        ]
    ):
        command = option(command)
    return command


def make_options(paper, large_print, ink_saver, fillable, private):  # noqa: ANN001, ANN201
    """compose.Options from the shared flags (paper "" means: the brand's)."""
    from handouts.compose import Options

    return Options(
        paper=paper or "",
        large_print=large_print,
        ink_saver=ink_saver,
        fillable=fillable,
        private=private,
    )


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
@click.option(
    "--brand",
    "brand_file",
    type=FILE_PATH,
    metavar="FILE|ID",
    help="Brand YAML file, or the id of a brand in the library.",
)
@click.option("--patient", default="", help="Patient name.")
@click.option("--clinician", default="", help="Clinician name.")
@click.option("--start", default=None, metavar="YYYY-MM-DD", help="Programme start date.")
@click.option("--note", default="", help="A note from the clinician, printed on page one.")
@handout_options
@click.option("--private", is_flag=True, help="Keep the patient's name out of the PDF metadata.")
@click.option(
    "--booklet", is_flag=True, help="Impose as an A5 booklet (print duplex, short edge, fold)."
)
@click.option(
    "--duplex",
    is_flag=True,
    help="For double-sided printing: an even page count, so each copy starts on a front.",
)
@click.option(
    "--attach",
    "attachments",
    multiple=True,
    type=FILE_PATH,
    metavar="FILE.pdf",
    help="Append this PDF after the handout (repeatable).",
)
@password_option("Encrypt the PDF with this password (AES-256).")
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
    app,
    programme,
    exercises,
    sections,
    level,
    brand_file,
    patient,
    clinician,
    start,
    weeks,
    sessions,
    note,
    paper,
    large_print,
    ink_saver,
    fillable,
    private,
    date,
    booklet,
    duplex,
    attachments,
    password,
    output,
) -> None:  # noqa: ANN001, PLR0913
    """Build one handout PDF.

    With no arguments, builds the default programme with the built-in demo
    brand into output/<programme-id>.pdf and prints the path.
    """
    from handouts.build import DEFAULT_PROGRAMME, Request
    from handouts.compose import Selection, parse_exercise_ref
    from handouts.content.models import Patient

    if not programme and not exercises and not sections:
        programme = DEFAULT_PROGRAMME
    selection = Selection(
        programme=programme,
        exercises=[parse_exercise_ref(ref) for ref in exercises],
        sections=list(sections),
        level=level,
        weeks=weeks,
        sessions=sessions,
    )
    request = Request(
        selection=selection,
        patient=Patient(
            name=patient, clinician=clinician, start=parse_date(start, "--start"), note=note
        ),
        brand_file=brand_file or app.workspace().brand,
        options=make_options(paper, large_print, ink_saver, fillable, private),
        date=parse_date(date, "--date"),
    )
    # Post-processing loads pypdf: only pay for it when an option asks for a step.
    post_steps = bool(attachments or private or booklet or password or duplex)
    if post_steps:
        from handouts.post import finish, merge

        extras = merge.read_attachments(attachments)  # a bad attachment stops us before building
    builder = app.builder(lenient=True)
    handout, pdf = build_despite_other_problems(builder, request)
    for warning in builder.warnings(handout):
        click.echo(f"warning: {warning}", err=True)
    if post_steps:
        pdf, notes = finish.finish_pdf(
            pdf,
            attachments=extras,
            private_name=patient if private else "",
            booklet=booklet,
            password=password or "",
            large_print=large_print,
            duplex=duplex,
        )
        for line in notes:
            click.echo(f"note: {line}", err=True)
    from pathlib import Path

    inputs = dict.fromkeys(attachments, "an --attach file")
    if request.brand_file is not None and Path(request.brand_file).is_file():
        inputs[Path(request.brand_file)] = "the brand file"
    path = write_output(pdf, output, handout.id, inputs, patient)
    warn_if_demo_brand(handout.brand)  # once it is written: a failure is the only line
    if path:
        click.echo(str(path))
