"""``handouts init`` and ``copy``: a clinic's workspace made, and filled with items to edit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from handouts.cli import say
from handouts.cli.browse import KIND_CHOICES, kind_of
from handouts.cli.context import load_library
from handouts.cli.options import PathType
from handouts.errors import HandoutsError, UsageProblem
from handouts.wording import singular

if TYPE_CHECKING:
    from pathlib import Path


@click.command("copy")
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

    library, app = load_library(ctx)
    item_kind = kind_of(library, item_id, kind, COPYABLE)
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


@click.command()
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
