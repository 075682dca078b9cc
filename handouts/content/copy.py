"""Make a built-in item your own: copy its file (and its picture or logo) into a workspace.

The copy keeps the item's id, so it replaces the built-in one, or takes a new id
(``--as``), so both exist. Nothing is ever overwritten. The text is copied as it is,
comments and all, so a clinic edits the same file the project ships, with only the
``id:`` line changed for a new id.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import HandoutsError, UsageProblem

if TYPE_CHECKING:
    from handouts.content.library import Library

COPYABLE = ("exercises", "sections", "programmes", "brands")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class CopyError(HandoutsError):
    """The item cannot be copied there (unknown, a bad new id, or a file in the way)."""


class NewIdError(CopyError, UsageProblem):
    """The new id asked for is no id: a bad value, not a problem with the content (exit 2)."""


@dataclass(frozen=True)
class Copied:
    kind: str  # plural, as the library names it
    item_id: str
    new_id: str
    files: tuple[Path, ...]  # the item's file first, then its picture or logo
    replaces: bool  # same id: the copy replaces the built-in item


def copy_item(
    library: Library, kind: str, item_id: str, folder: Path, new_id: str | None = None
) -> Copied:
    """Copy ``item_id`` of ``kind`` into ``folder`` (a content folder); see the module doc."""
    new_id = new_id or item_id
    if not _ID.match(new_id):
        raise NewIdError(
            f"new id {new_id}: an id is lowercase letters, digits and hyphens, "
            f"such as my-{item_id}",
            subject="new id",
        )
    source = library.origin(kind, item_id)
    target = folder / kind / f"{new_id}{source.suffix}"
    extra = _companion(library, kind, item_id)  # (file, its path relative to the item's folder)
    targets = [target] + [target.parent / relative for _, relative in extra]
    from handouts.content.files import display_path

    in_the_way = [display_path(path) for path in targets if path.exists()]
    if in_the_way:
        raise CopyError(
            f"not overwriting {', '.join(in_the_way)}; give the copy another id", needs="new id"
        )
    text = source.read_text(encoding="utf-8")
    if new_id != item_id and kind != "brands":  # a brand's id is its file name
        text = _with_id(text, item_id, new_id, source)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as out:
        out.write(text)
    for (file, _), copy in zip(extra, targets[1:], strict=True):
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, copy)
    return Copied(kind, item_id, new_id, tuple(targets), replaces=new_id == item_id)


def _companion(library: Library, kind: str, item_id: str) -> list[tuple[Path, Path]]:
    """The picture of an exercise or the logo of a brand, which the item names relatively."""
    if kind == "exercises":
        named, path = library.exercises[item_id].image, library.image_path(item_id)
    elif kind == "brands":
        named, path = library.brands[item_id].logo, library.logo_path(item_id)
    else:
        return []
    if not named or path is None or not path.is_file() or Path(named).is_absolute():
        return []
    return [(path, Path(named))]


def _with_id(text: str, old: str, new: str, source: Path) -> str:
    """The text with its ``id: old`` line (top level, or in front matter) saying ``new``."""
    pattern = re.compile(rf"^id:[ \t]*(['\"]?){re.escape(old)}\1[ \t]*(#.*)?$", re.MULTILINE)
    changed, count = pattern.subn(lambda m: f"id: {new}" + (f"  {m[2]}" if m[2] else ""), text, 1)
    if not count:  # pragma: no cover - every built-in item states its id on a line
        raise CopyError(f"{source}: no 'id: {old}' line to change; copy it with the same id")
    return changed
