"""Load content folders into a validated ``Library``; collect every problem first.

A content folder holds ``exercises/*.yaml``, ``sections/*.md`` (YAML front
matter + Markdown), ``programmes/*.yaml``, ``brands/*.yaml`` and
``sources.yaml``. The built-in folder loads first, then each clinic folder in
order; an item whose id is already loaded replaces the earlier one. Two files
with the same id inside one folder are a problem. Then every reference between
items (a programme's exercises and sections, each citation) is checked.

Reading one file is ``files``; pydantic's errors in plain words, ``messages``; the
``handouts.yaml`` settings, ``workspace``. Nothing here imports reportlab: this runs
on every command.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts import paths
from handouts.content.conditions import conditions
from handouts.content.files import (
    OUTSIDE_LINK,
    YAML_SUFFIXES,
    absolute,
    display_path,
    file_problems,
    inside,
    list_files,
    parse_file,
    parse_section,
    resolve,
)
from handouts.content.library import ItemKey, Library
from handouts.content.messages import describe, validate
from handouts.content.models import (
    ID_PATTERN,
    Brand,
    Exercise,
    Programme,
    Section,
    Source,
    levels_text,
)
from handouts.content.yamlsrc import FieldPath, YamlDoc, dotted
from handouts.errors import ContentError, Problem
from handouts.wording import did_you_mean, singular

SOURCES_FILE = "sources.yaml"
_FOLDERS = {
    "exercises": YAML_SUFFIXES,
    "sections": (".md",),
    "programmes": YAML_SUFFIXES,
    "brands": YAML_SUFFIXES,
}


def load_library(
    extra_dirs: Iterable[Path] = (), include_builtin: bool = True, lenient: bool = False
) -> Library:
    """Load the built-in content (optional), then each clinic folder; or raise ``ContentError``.

    ``lenient``: leave out each item with a problem, and each item that uses one, and list
    the problems in ``Library.problems`` instead of raising. One colleague's half-edited
    programme then stops only handouts that use it, not every build at the front desk.
    """
    builder = _Builder()
    seen: set[Path] = set()
    roots = [(paths.builtin_content_dir(), True)] if include_builtin else []
    roots += [(Path(d), False) for d in extra_dirs]
    for root, builtin in roots:
        key = absolute(root)
        if key not in seen:
            seen.add(key)
            builder.add_dir(root, builtin)
    builder.check_references()
    if builder.problems and not lenient:
        raise ContentError(builder.problems)
    return builder.library()


def load_brand_file(path: Path) -> tuple[Brand, Path | None]:
    """Load a brand from any YAML file; the logo is resolved next to it. Raises ``ContentError``.

    The logo must stay inside the brand file's folder or, for a file in a ``brands/``
    folder, inside the content folder around it, as for the library's own brands.
    """
    path = Path(path)
    display = display_path(path)
    if not path.is_file():
        message = "brand file not found; give a YAML file or an id from `handouts list brands`"
        raise ContentError([Problem(display, 0, "", message)])
    doc, problems = parse_file(path, display)
    brand = validate(Brand, doc, display, problems) if doc else None
    logo = None
    if brand and brand.logo:
        logo = resolve(path.parent, brand.logo)
        folder = path.resolve().parent
        root = folder.parent if folder.name == "brands" else folder
        problems += file_problems(doc, display, ("logo",), logo, root)
    if brand is None or problems:
        raise ContentError(problems)
    return brand, logo


@dataclass
class _Item:
    """One loaded item plus what is needed to point at its fields later."""

    kind: str
    id: str
    model: Any
    path: Path
    root: Path
    display: str
    doc: YamlDoc
    prefix: FieldPath = ()

    def problem(self, path: FieldPath, message: str) -> Problem:
        full = self.prefix + path
        return Problem(self.display, self.doc.line(full), dotted(full), message)

    def references(self) -> Iterator[ItemKey]:
        """The (kind, id) of every item this one uses."""
        yield from (("sources", name) for name in getattr(self.model, "sources", ()))
        if self.kind == "programmes":
            yield from (("sections", name) for name in self.model.sections)
            for phase in self.model.phases:
                yield from (("exercises", entry.exercise) for entry in phase.exercises)


class _Builder:
    """Collects items and problems across folders, then cross-checks references."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.items: dict[ItemKey, _Item] = {}
        self.broken: set[ItemKey] = set()  # ids of items that failed to load
        self.flagged: set[ItemKey] = set()  # loaded items with a problem of their own
        self.builtin: set[ItemKey] = set()
        self.replaced: dict[ItemKey, Path] = {}
        self.dirs: list[Path] = []

    def add_dir(self, root: Path, builtin: bool) -> None:
        self.dirs.append(absolute(root))
        in_dir: dict[ItemKey, _Item] = {}
        for item in self._read_dir(root):
            key = (item.kind, item.id)
            if key in in_dir:
                first = in_dir[key]
                also = (
                    f"on line {first.doc.line(first.prefix)}"
                    if first.path == item.path
                    else f"in {first.display}"
                )
                message = f'duplicate {singular(item.kind)} id "{item.id}" (also {also})'
                where = ("id",) if item.kind != "brands" else ()
                self.problems.append(item.problem(where, message))
                self.flagged.add(key)
                continue
            in_dir[key] = item
            if key in self.items:
                self.replaced[key] = self.items[key].path
            self.items[key] = item
            self.builtin.discard(key)
            if builtin:
                self.builtin.add(key)

    def _read_dir(self, root: Path) -> Iterator[_Item]:
        if not root.is_dir():
            self.problems.append(Problem(display_path(root), 0, "", "content folder not found"))
            return
        sources = root / SOURCES_FILE
        if not sources.is_file() and not any((root / name).is_dir() for name in _FOLDERS):
            message = (
                "not a content folder: no exercises/, sections/, programmes/, brands/ "
                "or sources.yaml"
            )
            if root.resolve().name in _FOLDERS:  # `--content clinic/exercises`
                message += "; give the folder that holds it"
            self.problems.append(Problem(display_path(root), 0, "", message))
            return
        for kind, suffixes in _FOLDERS.items():
            for path in list_files(root / kind, suffixes):
                if not inside(path, root):  # a link to a file elsewhere: never read it
                    self.problems.append(Problem(display_path(path), 0, "", OUTSIDE_LINK))
                    continue
                item = self._read_file(kind, path, root)
                if item:
                    yield item
        if sources.is_file():
            yield from self._read_sources(sources, root)

    def _read_file(self, kind: str, path: Path, root: Path) -> _Item | None:
        display = display_path(path)
        if kind == "sections":
            doc, problems, extra = parse_section(path, display)
        else:
            doc, problems = parse_file(path, display)
            extra = {}
        model_cls = {
            "exercises": Exercise,
            "sections": Section,
            "programmes": Programme,
            "brands": Brand,
        }[kind]
        model = None
        if doc:
            model = validate(model_cls, doc, display, problems, extra=extra, salvage=True)
        item_id = path.stem if kind == "brands" else getattr(model, "id", None)
        if kind == "brands" and not re.match(ID_PATTERN, path.stem):
            message = (
                'brand file name must be an id such as "clinic.yaml" '
                "(lowercase letters, digits, hyphens)"
            )
            problems.append(Problem(display, 0, "", message))
        item = _Item(kind, item_id, model, path, root, display, doc) if model and item_id else None
        if item:
            problems += _item_file_problems(item)
        self.problems += problems
        if item is None or problems:
            self._mark_broken(kind, path, doc)
        return item

    def _mark_broken(self, kind: str, path: Path, doc: YamlDoc | None) -> None:
        self.broken.add((kind, path.stem))
        raw_id = doc.data.get("id") if doc and isinstance(doc.data, dict) else None
        if isinstance(raw_id, str):
            self.broken.add((kind, raw_id.strip()))

    def _read_sources(self, path: Path, root: Path) -> Iterator[_Item]:
        display = display_path(path)
        doc, problems = parse_file(path, display)
        self.problems += problems
        if doc is None:
            self.broken.add(("sources", "*"))  # unreadable: do not call every citation unknown
            return
        if doc.data is None:
            return
        if not isinstance(doc.data, list):
            message = (
                "expected a list of sources (lines starting with '- id:'), "
                f"found {describe(doc.data)}"
            )
            self.problems.append(Problem(display, doc.line(), "", message))
            return
        for index, entry in enumerate(doc.data):
            source = validate(Source, doc, display, self.problems, prefix=(index,))
            if source:
                yield _Item("sources", source.id, source, path, root, display, doc, (index,))
            elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
                self.broken.add(("sources", entry["id"].strip()))

    # ----------------------------------------------------------------- references

    def check_references(self) -> None:
        for key, item in self.items.items():
            found = len(self.problems)
            if item.kind in ("exercises", "sections", "programmes"):
                for index, name in enumerate(item.model.sources):
                    self._check_ref(item, ("sources", index), "sources", name)
            if item.kind == "programmes":
                self._check_programme(item)
            if item.kind == "sections":
                self._check_conditions(item)
            if len(self.problems) > found:
                self.flagged.add(key)

    def _check_programme(self, item: _Item) -> None:
        programme: Programme = item.model
        for index, name in enumerate(programme.sections):
            self._check_ref(item, ("sections", index), "sections", name)
        for p, phase in enumerate(programme.phases):
            for e, entry in enumerate(phase.exercises):
                where = ("phases", p, "exercises", e)
                if not self._check_ref(item, (*where, "exercise"), "exercises", entry.exercise):
                    continue
                exercise: Exercise | None = self._model("exercises", entry.exercise)
                if exercise and entry.level > len(exercise.levels):
                    message = (
                        f"no level {entry.level}: exercise {exercise.id} has "
                        f"{levels_text(len(exercise.levels))}"
                    )
                    self.problems.append(item.problem((*where, "level"), message))

    def _check_conditions(self, item: _Item) -> None:
        """Each exercise a section item's ``{with: ...}`` or ``{without: ...}`` names exists."""
        section: Section = item.model
        known = [key[1] for key in self.items if key[0] == "exercises"]
        for condition in conditions(section.body):
            for name in condition.exercises:
                if ("exercises", name) in self.items or ("exercises", name) in self.broken:
                    continue
                message = (
                    f'{{{condition.kind}: ...}} names unknown exercise "{name}"'
                    f"{did_you_mean(name, known)}"
                )
                line = section.body_line + condition.line
                self.problems.append(Problem(item.display, line, "", message))

    def _check_ref(self, item: _Item, where: FieldPath, kind: str, name: str) -> bool:
        """True if ``name`` is a loaded item; reports unknown names (not broken ones)."""
        if (kind, name) in self.items:
            return True
        if (kind, name) not in self.broken and (kind, "*") not in self.broken:
            known = [key[1] for key in self.items if key[0] == kind]
            message = f'unknown {singular(kind)} "{name}"{did_you_mean(name, known)}'
            self.problems.append(item.problem(where, message))
        return False

    def _model(self, kind: str, item_id: str) -> Any:
        item = self.items.get((kind, item_id))
        return item.model if item else None

    def _usable(self) -> dict[ItemKey, _Item]:
        """The items without a problem whose every reference is usable too."""
        usable = {
            key: item
            for key, item in self.items.items()
            if key not in self.flagged and key not in self.broken
        }
        # Sources use nothing, exercises and sections use sources, programmes use all three:
        # dropping users of missing items kind by kind in that order settles every chain.
        for kind in ("exercises", "sections", "programmes"):
            for key, item in list(usable.items()):
                if key[0] == kind and any(ref not in usable for ref in item.references()):
                    del usable[key]
        return usable

    def library(self) -> Library:
        library = Library(
            builtin=set(self.builtin),
            replaced=dict(self.replaced),
            dirs=list(self.dirs),
            problems=sorted(self.problems),
        )
        items = self._usable() if self.problems else self.items
        library.left_out = set(self.items) - set(items)
        for (kind, item_id), item in sorted(items.items()):
            library.items(kind)[item_id] = item.model
            library.origins[(kind, item_id)] = absolute(item.path)
        return library


def _item_file_problems(item: _Item) -> list[Problem]:
    """Image and logo files must exist inside the item's content folder."""
    if item.kind == "exercises" and item.model.image:
        target = resolve(item.path.parent, item.model.image)
        return file_problems(item.doc, item.display, ("image",), target, item.root)
    if item.kind == "brands" and item.model.logo:
        target = resolve(item.path.parent, item.model.logo)
        return file_problems(item.doc, item.display, ("logo",), target, item.root)
    return []
