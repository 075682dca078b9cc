"""The ``handouts`` command line: thin commands over the content loader and builders.

Keep the module top light: ``handouts --help`` must not import reportlab,
pypdf or even pydantic (nor pathlib, a few milliseconds).
Commands import what they need inside their bodies.

Adding a command::

    @main.command()
    @click.pass_context
    def build(ctx: click.Context, ...) -> None:
        library, app = _library(ctx)        # built-in + handouts.yaml + --content
        brand = app.workspace().brand        # handouts.yaml settings
        ...

Raise a ``HandoutsError`` subclass for anything the user can fix: ``_Group.invoke``
is the one place that turns it into ``error: ...`` (``ContentError``: one line per
problem) and its exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from handouts import __version__
from handouts.cli import say
from handouts.cli.options import PathType, content_option, handout_option
from handouts.errors import ContentError, HandoutsError, UsageProblem
from handouts.session import Session
from handouts.wording import KINDS, count, singular, with_article

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.content.library import Library

KIND_CHOICES = [*map(singular, KINDS), *KINDS]

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


def _app(ctx: click.Context) -> Session:
    return ctx.ensure_object(Session)


def _library(ctx: click.Context, extra: Sequence[Path] = ()) -> tuple[Library, Session]:
    """The loaded library and the ``Session`` holding content folders and workspace settings."""
    from handouts.cli.build import warn_about_problems

    app = _app(ctx)
    say.sources(app)
    library = app.library(extra, lenient=True)  # a broken draft hides itself, not the rest
    warn_about_problems(library.problems)
    return library, app


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


class _Group(click.Group):
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


@click.group(cls=_Group, help=MAIN_HELP, context_settings={"help_option_names": ["-h", "--help"]})
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


# --------------------------------------------------------------------------- list


@main.command("list")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--tag",
    "tags",
    multiple=True,
    metavar="TAG",
    help="Only items with this tag (repeat to require several).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_context
def list_items(ctx: click.Context, kind: str, tags: tuple[str, ...], as_json: bool) -> None:
    """List exercises, sections, programmes, brands or sources."""
    from handouts import views

    if tags and kind in ("brands", "sources"):
        raise click.UsageError(
            f"{kind} have no tags; --tag works with exercises, sections and programmes"
        )
    library, _ = _library(ctx)
    items = {
        item_id: item for item_id, item in library.items(kind).items() if views.has_tags(item, tags)
    }
    if as_json:
        import json  # here, not at the top: --help stays quick

        click.echo(
            json.dumps(
                [views.json_item(library, kind, i, m) for i, m in items.items()],
                indent=2,
                ensure_ascii=False,
            )
        )
    elif not items:
        click.echo(f"no {kind}" + (f" tagged {', '.join(tags)}" if tags else ""), err=True)
    else:
        for line in views.list_lines(library, kind, items):
            click.echo(line)


# --------------------------------------------------------------------------- show


@main.command()
@click.argument("item_id", metavar="ID")
@click.option(
    "--kind",
    type=click.Choice(KIND_CHOICES),
    help="Which kind of item, if the id is used by several.",
)
@click.option(
    "--figure",
    "figure_file",
    type=PathType(dir_okay=False),
    help="Draw the exercise's figure to this .png, .svg or .pdf file.",
)
@click.option(
    "--level", type=click.IntRange(1, 20), default=1, help="The level to draw (--figure)."
)
@click.option("--mirror", is_flag=True, help="Draw the figure facing the other way (--figure).")
@handout_option("ink_saver", "Draw the figure in grey, without colour (--figure).")
@click.pass_context
def show(
    ctx: click.Context,
    item_id: str,
    kind: str | None,
    figure_file: Path | None,
    level: int,
    mirror: bool,
    ink_saver: bool,
) -> None:
    """Show one exercise, section, programme, brand or source in full."""
    library, app = _library(ctx)
    if figure_file is not None:
        _write_figure(app, library, item_id, figure_file, level, mirror, ink_saver)
        return
    from handouts.views import show_lines

    kind = _kind_of(library, item_id, kind)
    click.echo("\n".join(show_lines(library, kind, item_id)))


def _kind_of(
    library: Library, item_id: str, kind: str | None, among: Sequence[str] | None = None
) -> str:
    """The kind of item ``item_id`` is (``--kind`` when given), ``among`` these kinds.

    A usage error when the id is several kinds' or none's.
    """
    from handouts.views import not_found
    from handouts.wording import kind_name

    kinds = [kind_name(kind)] if kind else library.kinds_of(item_id)
    kinds = [k for k in kinds if among is None or k in among]
    if len(kinds) > 1:
        names = " and ".join(with_article(singular(k)) for k in kinds)
        choices = " or ".join(f"--kind {singular(k)}" for k in kinds)
        raise click.UsageError(f'"{item_id}" is the id of {names}; choose with {choices}')
    if not kinds or item_id not in library.items(kinds[0]):
        raise click.BadParameter(not_found(library, item_id, kinds), param_hint="ID")
    return kinds[0]


def _write_figure(
    app: Session, library: Library, item_id: str, path: Path, level: int, mirror: bool, mono: bool
) -> None:
    """``show --figure``: one exercise's figure as a file."""
    from handouts.content.models import levels_text
    from handouts.views import not_found

    exercise = library.exercises.get(item_id)
    if exercise is None:
        raise click.BadParameter(not_found(library, item_id, ["exercises"]), param_hint="ID")
    if level > len(exercise.levels):
        raise click.BadParameter(
            f"{item_id} has {levels_text(len(exercise.levels))}", param_hint="--level"
        )
    figure = exercise.figure_at(level)
    if figure is None:
        raise click.UsageError(f"exercise {item_id} has no figure; add one (see the README)")
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise click.BadParameter("give a file ending in .png, .svg or .pdf", param_hint="--figure")
    from handouts.deliver.files import write_atomic
    from handouts.render.figures.files import brand_style, figure_file_bytes

    style = brand_style(_figure_brand(app, library), mono)
    write_atomic(path, figure_file_bytes(figure, path.suffix, style, 360.0, mirror))
    click.echo(f"wrote {path}")


def _figure_brand(app: Session, library: Library) -> Any:
    from handouts.build import DEFAULT_BRAND
    from handouts.content.loader import load_brand_file

    brand_file = app.workspace().brand
    return load_brand_file(brand_file)[0] if brand_file else library.brands.get(DEFAULT_BRAND)


@main.command()
@click.argument("sheet", type=PathType(dir_okay=False))
@content_option("Also draw this clinic folder's exercises (repeatable).")
@handout_option("ink_saver", "Draw in grey, without colour.")
@click.pass_context
def figures(
    ctx: click.Context, sheet: Path, content_dirs: tuple[Path, ...], ink_saver: bool
) -> None:
    """Write a contact sheet (PDF) of every exercise figure, for review."""
    from handouts.deliver.files import write_atomic
    from handouts.render.figures.files import brand_style, contact_sheet, sheet_items

    library, app = _library(ctx, content_dirs)
    items = sheet_items(library)
    write_atomic(sheet, contact_sheet(items, brand_style(_figure_brand(app, library), ink_saver)))
    click.echo(f"wrote {sheet}: {len(items)} figures")


# --------------------------------------------------------------------------- copy


@main.command("copy")
@click.argument("item_id", metavar="ID")
@click.option(
    "--kind",
    type=click.Choice([k for k in KIND_CHOICES if not k.startswith("source")]),
    help="Which kind of item, if the id is used by several.",
)
@click.option("--as", "new_id", metavar="NEW", help="Give the copy a new id (default: the same).")
@click.option(
    "--to",
    "folder",
    type=PathType(file_okay=False),
    metavar="DIR",
    help="The content folder to copy into (default: the first in handouts.yaml).",
)
@click.pass_context
def copy_command(
    ctx: click.Context, item_id: str, kind: str | None, new_id: str | None, folder: Path | None
) -> None:
    """Copy an exercise, section, programme or brand into your workspace, to edit.

    With the same id the copy replaces the built-in item; with --as NEW both exist.
    Nothing is overwritten.
    """
    from handouts.content.copy import COPYABLE, copy_item
    from handouts.content.files import display_path

    library, app = _library(ctx)
    item_kind = _kind_of(library, item_id, kind, COPYABLE)
    content = app.content_folders()
    folder = folder or (content[0] if content else None)
    if folder is None:
        raise UsageProblem(
            "no content folder to copy into: make a workspace with `handouts init DIR` "
            "and run this there, or give --to DIR"
        )
    copied = copy_item(library, item_kind, item_id, folder, new_id)
    what = singular(copied.kind)
    first, *more = (display_path(path) for path in copied.files)
    click.echo(f"copied {what} {item_id} to {first}" + "".join(f" and {p}" for p in more))
    click.echo(_after_copy(copied, what))
    if folder.resolve() not in {f.resolve() for f in content}:
        say.note(f"add {folder} to content: in handouts.yaml (or pass --content {folder})")


def _after_copy(copied: Any, what: str) -> str:
    if copied.replaces:
        line = f"it replaces the built-in {what} of that id; edit it there"
    else:
        line = f"a new {what}, {copied.new_id}; the built-in one stays"
    if copied.kind == "brands":
        use = f"brand: {copied.new_id} in handouts.yaml, or --brand {copied.new_id}"
        line += f". Edit its name, colours, logo and contact lines; use it with {use}"
    return line


# --------------------------------------------------------------------------- check


@main.command()
@content_option("Also check this clinic folder (repeatable).")
@click.pass_context
def check(ctx: click.Context, content_dirs: tuple[Path, ...]) -> None:
    """Validate all content; list every problem (exit 1 if any)."""
    from handouts.check import check_library
    from handouts.views import counts

    app = _app(ctx)
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


# --------------------------------------------------------------------------- init


@main.command()
@click.argument("directory", type=PathType(file_okay=False))
@click.option(
    "--name", default="My Clinic", show_default=True, help="Clinic name for the starter brand."
)
def init(directory: Path, name: str) -> None:
    """Create a starter clinic workspace in DIRECTORY (never overwrites)."""
    import json
    from pathlib import Path

    starter_dir = Path(__file__).resolve().parents[1] / "starter"
    starter = sorted(p for p in starter_dir.rglob("*") if p.is_file())
    targets = [directory / p.relative_to(starter_dir) for p in starter]
    existing = [str(t) for t in targets if t.exists()]
    if existing:
        raise HandoutsError(f"not overwriting existing files: {', '.join(existing)}")
    for source, target in zip(starter, targets, strict=True):
        text = source.read_text(encoding="utf-8")
        placeholder = json.dumps(name, ensure_ascii=False) if source.suffix == ".yaml" else name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as out:
            out.write(text.replace("__CLINIC_NAME__", placeholder))
        click.echo(f"created {target}")
    click.echo(_next_steps(directory))


def _next_steps(directory: Path) -> str:
    """What a clinic does after ``init``: the commands run from the new folder."""
    import shlex
    from pathlib import Path

    here = directory.resolve() == Path.cwd().resolve()
    steps = [] if here else [f"  cd {shlex.quote(str(directory))}"]
    steps += [
        "  edit brands/clinic.yaml     your clinic's name, colours, logo and contact lines",
        "  handouts check              finds mistakes in your files, one line each",
        "  handouts build              a first handout with your brand, in output/",
    ]
    return "\n".join(["", "Next, from a terminal:", *steps, "README.md there says where files go."])


# --------------------------------------------------------------------------- rendering commands
# Each lives in its own module; importing them pulls in click only, so --help stays quick.
from handouts.cli.build import build  # noqa: E402

main.add_command(build)

from handouts.cli.batch import batch, impose, mail_check, send  # noqa: E402

main.add_command(batch)
main.add_command(mail_check)
main.add_command(impose)
main.add_command(send)

from handouts.cli.serve import serve  # noqa: E402

main.add_command(serve)
