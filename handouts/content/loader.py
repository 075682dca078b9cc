"""Load content folders into a validated ``Library``; collect every problem first.

A content folder holds ``exercises/*.yaml``, ``sections/*.md`` (YAML front
matter + Markdown), ``programmes/*.yaml``, ``brands/*.yaml`` and
``sources.yaml``. The built-in folder loads first, then each clinic folder in
order; an item whose id is already loaded replaces the earlier one. Two files
with the same id inside one folder are a problem.

Nothing here imports reportlab: this runs on every command.
"""

from __future__ import annotations

import difflib
import os
import re
import types
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError, field_validator

from handouts import paths
from handouts.content.conditions import conditions
from handouts.content.models import (
    ID_PATTERN,
    Brand,
    Exercise,
    Model,
    Programme,
    Section,
    Source,
    Text,
    levels_text,
)
from handouts.content.yamlsrc import FieldPath, Key, YamlDoc, dotted, parse_yaml, read_utf8
from handouts.errors import ContentError, Problem

KINDS = ("exercises", "sections", "programmes", "brands", "sources")
SINGULAR = {
    "exercises": "exercise",
    "sections": "section",
    "programmes": "programme",
    "brands": "brand",
    "sources": "source",
}
YAML_SUFFIXES = (".yaml", ".yml")
SOURCES_FILE = "sources.yaml"
WORKSPACE_FILE = "handouts.yaml"
_FOLDERS = {
    "exercises": YAML_SUFFIXES,
    "sections": (".md",),
    "programmes": YAML_SUFFIXES,
    "brands": YAML_SUFFIXES,
}
_HIDDEN_FIELDS = {Section: {"body", "body_line"}}

ItemKey = tuple[str, str]  # (kind, id)


def kind_name(kind: str) -> str:
    """Normalise ``"exercise"``/``"exercises"`` to the plural kind used as dict name."""
    plural = kind if kind in SINGULAR else f"{kind}s"
    if plural not in SINGULAR:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return plural


# --------------------------------------------------------------------------- Library


@dataclass
class Library:
    """All loaded content, by kind and id, and the file each item came from."""

    exercises: dict[str, Exercise] = field(default_factory=dict)
    sections: dict[str, Section] = field(default_factory=dict)
    programmes: dict[str, Programme] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    brands: dict[str, Brand] = field(default_factory=dict)
    origins: dict[ItemKey, Path] = field(default_factory=dict)
    builtin: set[ItemKey] = field(default_factory=set)
    replaced: dict[ItemKey, Path] = field(default_factory=dict)  # item -> file it replaced
    dirs: list[Path] = field(default_factory=list)  # the folders loaded, in order
    problems: list[Problem] = field(default_factory=list)  # left out items (lenient loads only)
    left_out: set[ItemKey] = field(default_factory=set)  # read, but broken or using a broken item

    def items(self, kind: str) -> dict[str, Any]:
        return getattr(self, kind_name(kind))

    def origin(self, kind: str, item_id: str) -> Path:
        """The file an item was loaded from (``KeyError`` if there is no such item)."""
        return self.origins[(kind_name(kind), item_id)]

    def is_builtin(self, kind: str, item_id: str) -> bool:
        return (kind_name(kind), item_id) in self.builtin

    def kinds_of(self, item_id: str) -> list[str]:
        """The kinds that have an item with this id, in ``KINDS`` order."""
        return [kind for kind in KINDS if item_id in self.items(kind)]

    def image_path(self, exercise_id: str) -> Path | None:
        image = self.exercises[exercise_id].image
        return _resolve(self.origin("exercises", exercise_id).parent, image) if image else None

    def logo_path(self, brand_id: str) -> Path | None:
        logo = self.brands[brand_id].logo
        return _resolve(self.origin("brands", brand_id).parent, logo) if logo else None


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
        key = _absolute(root)
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
    doc, problems = _parse_file(path, display)
    brand = _validate(Brand, doc, display, problems) if doc else None
    logo = None
    if brand and brand.logo:
        logo = _resolve(path.parent, brand.logo)
        folder = path.resolve().parent
        root = folder.parent if folder.name == "brands" else folder
        problems += _file_problems(doc, display, ("logo",), logo, root)
    if brand is None or problems:
        raise ContentError(problems)
    return brand, logo


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when inside it, else absolute."""
    absolute = _absolute(path)
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(absolute)


# --------------------------------------------------------------------------- building


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
        self.dirs.append(_absolute(root))
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
                message = f'duplicate {SINGULAR[item.kind]} id "{item.id}" (also {also})'
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
            for path in _files(root / kind, suffixes):
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
            doc, problems, extra = _parse_section(path, display)
        else:
            doc, problems = _parse_file(path, display)
            extra = {}
        model_cls = {
            "exercises": Exercise,
            "sections": Section,
            "programmes": Programme,
            "brands": Brand,
        }[kind]
        model = None
        if doc:
            model = _validate(model_cls, doc, display, problems, extra=extra, salvage=True)
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
        doc, problems = _parse_file(path, display)
        self.problems += problems
        if doc is None:
            self.broken.add(("sources", "*"))  # unreadable: do not call every citation unknown
            return
        if doc.data is None:
            return
        if not isinstance(doc.data, list):
            message = (
                "expected a list of sources (lines starting with '- id:'), "
                f"found {_describe(doc.data)}"
            )
            self.problems.append(Problem(display, doc.line(), "", message))
            return
        for index, entry in enumerate(doc.data):
            source = _validate(Source, doc, display, self.problems, prefix=(index,))
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
                    f"{_did_you_mean(name, known)}"
                )
                line = section.body_line + condition.line
                self.problems.append(Problem(item.display, line, "", message))

    def _check_ref(self, item: _Item, where: FieldPath, kind: str, name: str) -> bool:
        """True if ``name`` is a loaded item; reports unknown names (not broken ones)."""
        if (kind, name) in self.items:
            return True
        if (kind, name) not in self.broken and (kind, "*") not in self.broken:
            known = [key[1] for key in self.items if key[0] == kind]
            message = f'unknown {SINGULAR[kind]} "{name}"{_did_you_mean(name, known)}'
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
            library.origins[(kind, item_id)] = _absolute(item.path)
        return library


OUTSIDE_LINK = (
    "a link to a file outside the content folder, which handouts does not read;"
    " copy the file into the folder instead"
)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, its links followed, is ``root`` or within it."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in suffixes and not p.name.startswith(".") and p.is_file()
    )


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


# --------------------------------------------------------------------------- files


def _parse_file(path: Path, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    text, problems = read_utf8(path, display)
    if text is None:
        return None, problems
    return parse_yaml(text, display)


def _parse_section(path: Path, display: str) -> tuple[YamlDoc | None, list[Problem], dict]:
    """Front matter as a YamlDoc, plus ``body``/``body_line`` for the model."""
    text, problems = read_utf8(path, display)
    if text is None:
        return None, problems, {}
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        message = "must start with a '---' line (YAML front matter)"
        return None, [Problem(display, 1, "", message)], {}
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Problem(display, 1, "", "front matter has no closing '---' line")], {}
    doc, problems = parse_yaml("\n".join(lines[1:end]), display, first_line=2)
    body_lines = lines[end + 1 :]
    blank = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    extra = {"body": "\n".join(body_lines[blank:]), "body_line": end + 2 + blank}
    if doc and isinstance(doc.data, dict):
        for key in ("body", "body_line"):
            if key in doc.data:
                message = "unknown field (the Markdown after the front matter is the body)"
                problems.append(Problem(display, doc.line((key,)), key, message))
                doc.data.pop(key)
    return doc, problems, extra


def _item_file_problems(item: _Item) -> list[Problem]:
    """Image and logo files must exist inside the item's content folder."""
    if item.kind == "exercises" and item.model.image:
        target = _resolve(item.path.parent, item.model.image)
        return _file_problems(item.doc, item.display, ("image",), target, item.root)
    if item.kind == "brands" and item.model.logo:
        target = _resolve(item.path.parent, item.model.logo)
        return _file_problems(item.doc, item.display, ("logo",), target, item.root)
    return []


def _file_problems(
    doc: YamlDoc, display: str, where: FieldPath, target: Path, root: Path | None
) -> list[Problem]:
    name = where[-1]
    line = doc.line(where)
    if root is not None and not target.is_relative_to(root.resolve()):
        return [Problem(display, line, str(name), _OUTSIDE)]
    if not target.is_file():
        message = f"file not found: {display_path(target)}; {_FROM_HERE}"
        return [Problem(display, line, str(name), message)]
    return []


_FROM_HERE = "give its path from this file's folder"
_OUTSIDE = f"file is outside the content folder; copy it in and {_FROM_HERE}"


def _resolve(base: Path, relative: str) -> Path:
    return (base / relative).resolve()


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


# --------------------------------------------------------------------------- validation


def _validate(
    model: type[BaseModel],
    doc: YamlDoc | None,
    display: str,
    problems: list[Problem],
    prefix: FieldPath = (),
    extra: dict | None = None,
    salvage: bool = False,
) -> Any:
    """Validate ``doc.data`` (or the entry at ``prefix``); append problems, return model or None.

    ``salvage``: when unknown fields are the only problems, return the model the rest makes,
    so its references are checked in the same run (the caller marks it broken).
    """
    data = doc.data if doc else None
    for key in prefix:
        data = data[key]
    if data is None:  # an empty file, or a new one saved before anything was typed
        message = "no fields here (is the file empty?); write one a line, such as 'name: …'"
        problems.append(Problem(display, doc.line(prefix) if doc else 0, dotted(prefix), message))
        return None
    if not isinstance(data, dict):
        # Not _describe: the value may be a whole file that is not ours (/etc/passwd).
        found = "text" if isinstance(data, str) else _describe(data)
        message = f"expected a mapping of fields such as 'name: …', found {found}"
        problems.append(Problem(display, doc.line(prefix) if doc else 0, dotted(prefix), message))
        return None
    try:
        return model.model_validate({**data, **(extra or {})})
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        covered = _typo_covered(model, errors, data)
        for error in errors:
            if error["type"] != "missing" or tuple(error["loc"]) not in covered:
                problems.append(_error_problem(error, model, data, doc, display, prefix))
        unknown = [tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]
        across = [e for e in errors if not e["loc"] and e["type"] == "value_error"]
        if salvage and len(unknown) + len(across) == len(errors):
            return _validate_quietly(model, _without(data, unknown), extra)
        return None


def _validate_quietly(model: type[BaseModel], data: dict, extra: dict | None) -> Any:
    """The model without its checks across fields (``salvage``), or None."""
    try:
        return model.model_validate({**data, **(extra or {})}, context={"salvage": True})
    except ValidationError:
        return None


def _without(data: Any, locations: list[FieldPath]) -> Any:
    """A copy of ``data`` without the fields at ``locations`` (paths of keys and indexes)."""
    if isinstance(data, dict):
        here = {loc[0] for loc in locations if len(loc) == 1}
        return {
            key: _without(value, [loc[1:] for loc in locations if len(loc) > 1 and loc[0] == key])
            for key, value in data.items()
            if key not in here
        }
    if isinstance(data, list):
        return [
            _without(value, [loc[1:] for loc in locations if len(loc) > 1 and loc[0] == index])
            for index, value in enumerate(data)
        ]
    return data


def _typo_covered(model: type[BaseModel], errors: list[dict], data: dict) -> set[FieldPath]:
    """Missing fields that an unknown-field error already suggests (one typo, one problem)."""
    covered = set()
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden":
            suggestion = _suggest_field(model, loc, _get(data, loc[:-1]))
            if suggestion:
                covered.add((*loc[:-1], suggestion))
    return covered


def _error_problem(
    error: dict, model: type[BaseModel], data: dict, doc: YamlDoc, display: str, prefix: FieldPath
) -> Problem:
    loc = tuple(error["loc"])
    if error["type"] == "invalid_key":
        message = f"field name {loc[-1]!r} must be text"
        return Problem(display, doc.line(prefix + loc), dotted(prefix + loc[:-1]), message)
    message = _message(error, model, data)
    field, _, rest = message.partition(" ")
    if not loc and field.split(".")[0] in model.model_fields:  # a check across fields
        loc = tuple(int(key) if key.isdigit() else key for key in field.split("."))
        message = rest
    return Problem(display, doc.line(prefix + loc), dotted(prefix + loc), message)


_MESSAGES = {
    "missing": "missing (required)",
    "string_type": "expected text, found {found}",
    "int_type": "expected a whole number, found {found}",
    "int_parsing": "expected a whole number, found {found}",
    "int_from_float": "expected a whole number, found {found}",
    "float_type": "expected a number, found {found}",
    "float_parsing": "expected a number, found {found}",
    "bool_type": "expected true or false, found {found}",
    "bool_parsing": "expected true or false, found {found}",
    "list_type": "expected a list, found {found}",
    "tuple_type": "expected a list, found {found}",
    "dict_type": "expected a mapping, found {found}",
    "model_type": "expected a mapping of fields, found {found}",
    "model_attributes_type": "expected a mapping of fields, found {found}",
    "string_too_short": "must not be empty",
    "string_too_long": "too long (at most {max_length} characters)",
    "too_short": "needs at least {min_length} items",
    "too_long": "too many items (at most {max_length})",
    "greater_than_equal": "must be {ge} or more, found {found}",
    "greater_than": "must be more than {gt}, found {found}",
    "less_than_equal": "must be {le} or less, found {found}",
    "less_than": "must be less than {lt}, found {found}",
    "literal_error": "must be {expected}, found {found}",
    "date_type": "expected a date such as 2025-03-01, found {found}",
    "date_parsing": "expected a date such as 2025-03-01, found {found}",
    "date_from_datetime_parsing": "expected a date such as 2025-03-01, found {found}",
    "recursion_loop": "refers to itself",
}

_PATTERNS = {
    ID_PATTERN: "{found} is not an id: use lowercase letters, digits and single hyphens, "
    'such as "calf-raise"',
    r"^https?://\S+$": "{found} is not a web address: it must start with https:// or http://",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": "{found} is not a source id: use letters, digits, "
    "'.', '_' and '-'",
}


_COLOUR_FIELDS = ("primary", "accent")
_UNQUOTED_COLOUR = (
    'has no value; put the colour in quotes, such as "#1F5F8B" ("#" starts a comment)'
)


def _message(error: dict, model: type[BaseModel], data: dict) -> str:
    kind, ctx, loc = error["type"], dict(error.get("ctx") or {}), tuple(error["loc"])
    found = _describe(error.get("input"))
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, _get(data, loc[:-1]))
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "string_pattern_mismatch":
        template = _PATTERNS.get(ctx.get("pattern"), "{found} does not have the expected form")
        return template.format(found=found)
    if kind.endswith("_type") and error.get("input") is None:
        if loc and loc[-1] in _COLOUR_FIELDS:  # `primary: #1F5F8B`: YAML read a comment
            return _UNQUOTED_COLOUR
        return "has no value"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    template = _MESSAGES.get(kind)
    if template is None:
        return str(error["msg"])
    ctx["expected"] = str(ctx.get("expected", "")).replace("'", '"')
    message = template.format(found=found, **ctx)
    if kind == "string_type" and not isinstance(error.get("input"), (list, dict)):
        message += "; put it in quotes to keep it as text"
    elif kind == "string_type" and isinstance(error.get("input"), dict):  # `- Hold: 30 s`
        message += '; text with ": " in it goes in quotes'
    return message


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _get(data: Any, path: Sequence[Key]) -> Any:
    """The value at ``path`` inside nested dicts and lists, or None."""
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _unknown_field(model: type[BaseModel], loc: Sequence[Key], mapping: Any) -> str:
    suggestion = _suggest_field(model, loc, mapping)
    return f'unknown field (did you mean "{suggestion}"?)' if suggestion else "unknown field"


def _suggest_field(model: type[BaseModel], loc: Sequence[Key], mapping: Any) -> str | None:
    """A field name close to the unknown key at ``loc`` that the mapping does not use yet.

    Missing required fields are tried first: ``rets`` next to ``sets`` means ``reps``.
    """
    owner = _model_at(model, loc[:-1])
    if owner is None:
        return None
    used = set(mapping) if isinstance(mapping, dict) else set()
    hidden = _HIDDEN_FIELDS.get(owner, set())
    free = {n: f for n, f in owner.model_fields.items() if n not in hidden and n not in used}
    key = str(loc[-1])
    if key.lower() in free:
        return key.lower()
    required = sorted(n for n, f in free.items() if f.is_required())
    for names in (required, sorted(free)):
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        if close:
            return close[0]
    return None


def _model_at(model: type[BaseModel], loc: Sequence[Key]) -> type[BaseModel] | None:
    """The model class that validates the mapping at ``loc`` inside ``model``."""
    current: Any = model
    for key in loc:
        current = _unwrap_optional(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(key) if isinstance(key, str) else None
            if info is None:
                return None
            current = info.annotation
        elif get_origin(current) in (list, tuple) and isinstance(key, int) and get_args(current):
            current = get_args(current)[0]
        else:
            return None
    current = _unwrap_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


# --------------------------------------------------------------------------- workspace


class _WorkspaceFile(Model):
    content: list[Text] = []
    brand: Text | None = None
    smtp: dict[str, Any] = {}
    date_format: Literal["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"] | None = None  # rosters'

    @field_validator("content", mode="before")
    @classmethod
    def _one_folder(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


@dataclass(frozen=True)
class Workspace:
    """Settings from ``handouts.yaml`` in the working directory (all empty if absent)."""

    file: Path | None = None
    content: tuple[Path, ...] = ()  # absolute folders, in the order listed
    brand: Path | None = None  # absolute path of the brand file
    smtp: dict[str, Any] = field(default_factory=dict)  # raw mapping, validated by the mailer
    date_format: str | None = None  # how rosters write dates ("DD/MM/YYYY"), if not ISO


def _workspace_brand(base: Path, brand: str, content: Sequence[Path]) -> Path | None:
    """``brand:`` as a file next to handouts.yaml or, like ``--brand``, as a brand id."""
    path = _absolute(base / Path(brand).expanduser())
    if path.is_file() or not re.match(ID_PATTERN, brand):
        # The clinic's own settings, like --brand: any YAML file (never a file of another
        # kind such as /etc/passwd); a roster's brand column is held to the workspace.
        allowed = path.suffix.lower() in _FOLDERS["brands"]
        return path if path.is_file() and allowed else None
    for folder in [*reversed(content), paths.builtin_content_dir()]:  # the last one wins
        for suffix in _FOLDERS["brands"]:
            if (found := folder / "brands" / f"{brand}{suffix}").is_file():
                return _absolute(found)
    return None


def brand_file_allowed(path: Path, root: Path) -> bool:
    """A brand named by a file: a YAML file inside ``root`` (links followed). A roster's brand
    column or handouts.yaml naming /etc/passwd read it, and its first line was echoed."""
    return path.suffix.lower() in _FOLDERS["brands"] and inside(path, root)


def load_workspace(cwd: Path, file: Path | None = None) -> Workspace:
    """Read ``file`` (default ``cwd/handouts.yaml``) if it exists, or raise ``ContentError``.

    ``handouts.content.discover`` says which file a run uses.
    """
    file = _absolute(Path(file) if file else Path(cwd) / WORKSPACE_FILE)
    if not file.is_file():
        return Workspace()
    display = display_path(file)
    doc, problems = _parse_file(file, display)
    if doc is not None and doc.data is None:
        return Workspace(file=file)
    settings = _validate(_WorkspaceFile, doc, display, problems) if doc else None
    if settings is None:
        raise ContentError(problems)
    base = file.parent
    content = tuple(_absolute(base / folder) for folder in settings.content)
    for index, folder in enumerate(content):
        if not folder.is_dir():
            message = f"folder not found: {display_path(folder)}"
            line = doc.line(("content", index))
            problems.append(Problem(display, line, f"content[{index}]", message))
    brand = _workspace_brand(base, settings.brand, content) if settings.brand else None
    if settings.brand and brand is None:
        message = (
            f"file not found: {display_path(base / settings.brand)}; give the brand file's "
            "path from this file, such as brands/clinic.yaml, or a brand id"
        )
        problems.append(Problem(display, doc.line(("brand",)), "brand", message))
    if problems:
        raise ContentError(problems)
    return Workspace(
        file=file,
        content=content,
        brand=brand,
        smtp=dict(settings.smtp),
        date_format=settings.date_format,
    )
