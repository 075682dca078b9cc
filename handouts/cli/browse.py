"""``handouts list``, ``show`` and ``figures``: reading the library, as text, JSON or pictures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from handouts.cli.context import load_library
from handouts.cli.options import PathType, content_option, handout_option
from handouts.wording import KINDS, singular, with_article

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.content.library import Library
    from handouts.session import Session

KIND_CHOICES = [*map(singular, KINDS), *KINDS]


@click.command("list")
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
    library, _ = load_library(ctx)
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


@click.command()
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
    library, app = load_library(ctx)
    if figure_file is not None:
        _write_figure(app, library, item_id, figure_file, level, mirror, ink_saver)
        return
    from handouts.views import show_lines

    kind = kind_of(library, item_id, kind)
    click.echo("\n".join(show_lines(library, kind, item_id)))


def kind_of(
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


@click.command()
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

    library, app = load_library(ctx, content_dirs)
    items = sheet_items(library)
    write_atomic(sheet, contact_sheet(items, brand_style(_figure_brand(app, library), ink_saver)))
    click.echo(f"wrote {sheet}: {len(items)} figures")
