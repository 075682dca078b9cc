"""The ``list`` and ``show`` views: a library's items as aligned plain text.

What a clinician reads in a terminal: a table of items, and one item in full with
the file it came from. The command line prints these lines; nothing here imports
click or reportlab.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from handouts.wording import KINDS, count, did_you_mean, dose_parts, singular

if TYPE_CHECKING:
    from handouts.content.library import Library

WIDTH = 88  # `show` wraps text at this width


def list_lines(library: Library, kind: str, items: dict[str, Any]) -> list[str]:
    """The ``list`` table: a header row, then one row per item."""
    rows = [_row(library, kind, item_id, item) for item_id, item in items.items()]
    return _table([_HEADERS[kind], *rows])


def show_lines(library: Library, kind: str, item_id: str) -> list[str]:
    """One item in full: its title, where it comes from, then its fields."""
    lines = _SHOW[kind](library, item_id)
    return [*lines[:1], _origin_line(library, kind, item_id), *lines[1:]]


_HEADERS = {
    "exercises": ("ID", "NAME", "LEVELS", "TAGS", "ORIGIN"),
    "sections": ("ID", "TITLE", "TAGS", "ORIGIN"),
    "programmes": ("ID", "TITLE", "WEEKS", "TAGS", "ORIGIN"),
    "brands": ("ID", "NAME", "PAPER", "ORIGIN"),
    "sources": ("ID", "TITLE", "YEAR", "ORIGIN"),
}


def has_tags(item: Any, tags: Iterable[str]) -> bool:
    have = {tag.casefold() for tag in getattr(item, "tags", [])}
    return all(tag.casefold() in have for tag in tags)


def _origin_label(library: Library, kind: str, item_id: str) -> str:
    return "builtin" if library.is_builtin(kind, item_id) else "clinic"


def _row(library: Library, kind: str, item_id: str, item: Any) -> tuple[str, ...]:
    origin = _origin_label(library, kind, item_id)
    tags = _shorten(", ".join(getattr(item, "tags", [])), 36)
    if kind == "exercises":
        return (item_id, item.name, str(len(item.levels)), tags, origin)
    if kind == "sections":
        return (item_id, item.title, tags, origin)
    if kind == "programmes":
        return (item_id, item.title, str(item.weeks), tags, origin)
    if kind == "brands":
        return (item_id, item.name, item.paper, origin)
    return (item_id, _shorten(item.title, 60), str(item.year or ""), origin)


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip(", ") + "…"


def json_item(library: Library, kind: str, item_id: str, item: Any) -> dict[str, Any]:
    return {
        "id": item_id,
        **item.model_dump(mode="json"),
        "origin": _origin_label(library, kind, item_id),
        "path": str(library.origin(kind, item_id)),
    }


def not_found(library: Library, item_id: str, kinds: list[str]) -> str:
    """Why there is no such item: left out for its problems, or a typo of another's id."""
    pool = kinds or KINDS
    what = singular(kinds[0]) if kinds else "item"
    stems = {problem.path.rsplit("/", 1)[-1].rsplit(".", 1)[0] for problem in library.problems}
    if item_id in stems:  # the file named for it has problems (item ids name their files)
        return f'{what} "{item_id}" has problems and is left out; see `handouts check`'
    if any((kind, item_id) in library.left_out for kind in pool):
        uses = "uses an item with problems and is left out"
        return f'{what} "{item_id}" {uses}; see `handouts check`'
    names = {name for k in pool for name in library.items(k)}
    return f'no {what} "{item_id}"{did_you_mean(item_id, names)}'


def _origin_line(library: Library, kind: str, item_id: str) -> str:
    from handouts.content.files import display_path

    path = display_path(library.origin(kind, item_id))
    builtin = library.is_builtin(kind, item_id)
    line = f"{singular(kind)} {item_id} · {'built-in' if builtin else 'clinic'} · {path}"
    if builtin and kind != "sources":
        line += f"\n(to make it your own: handouts copy {item_id})"
    replaced = library.replaced.get((kind, item_id))
    return line + (f"\n(replaces {display_path(replaced)})" if replaced else "")


def _wrapped(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped to ``width`` columns; one empty line for empty text."""
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent) or [""]


def _wrap(text: str, indent: str = "") -> list[str]:
    return [line for paragraph in text.split("\n") for line in _wrapped(paragraph, WIDTH, indent)]


def _fields(pairs: Iterable[tuple[str, Any]]) -> list[str]:
    """Aligned ``Label: value`` lines; empty values are left out."""
    present = [(label, _text(value)) for label, value in pairs if _text(value)]
    width = max((len(label) for label, _ in present), default=0) + 2
    lines: list[str] = []
    for label, value in present:
        wrapped = _wrapped(value, WIDTH - width)
        lines.append(f"{label + ':':<{width}}{wrapped[0]}")
        lines += [" " * width + more for more in wrapped[1:]]
    return lines


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _block(title: str, items: Sequence[str], numbered: bool = False) -> list[str]:
    if not items:
        return []
    lines = ["", title]
    for number, item in enumerate(items, 1):
        bullet = f"{number}. " if numbered else "- "
        wrapped = _wrapped(item, WIDTH - 4 - len(bullet))
        lines.append(f"  {bullet}{wrapped[0]}")
        lines += [" " * (2 + len(bullet)) + more for more in wrapped[1:]]
    return lines


def _join(parts: Sequence[str], indent: str, sep: str = " · ") -> list[str]:
    """Join parts on lines no wider than WIDTH, breaking only between parts."""
    lines: list[str] = []
    current = ""
    for part in parts:
        if current and len(indent + current + sep + part) > WIDTH:
            lines.append(current)
            current = part
        else:
            current = f"{current}{sep}{part}" if current else part
    lines.append(current)
    return [(indent if n == 0 else " " * len(indent)) + line for n, line in enumerate(lines)]


def _show_exercise(library: Library, item_id: str) -> list[str]:
    from handouts.content.files import display_path

    item = library.exercises[item_id]
    image = library.image_path(item_id)
    image = display_path(image) if image else None  # as the item's own path is shown
    lines = [item.name, "", *_wrap(item.summary), ""]
    lines += _fields(
        [
            ("Targets", item.targets),
            ("Equipment", item.equipment),
            ("Position", item.position),
            ("Tags", item.tags),
            ("Sources", item.sources),
            ("Video", item.video),
            ("Image", image),
        ]
    )
    lines += _block("Steps", item.steps, numbered=True) + _block("Cues", item.cues)
    lines += _block("Common mistakes", item.mistakes) + ["", "Safety", *_wrap(item.safety, "  ")]
    lines += ["", "Levels"]
    for level in item.levels:
        lines.append(f"  {level.level}. {level.label}")
        dose = dose_parts(
            level.sets, level.reps, level.tempo, level.rest, level.load, level.per_side
        )
        lines += _join(dose, "     ") + (_wrap(level.notes, "     ") if level.notes else [])
    return lines


def _show_section(library: Library, item_id: str) -> list[str]:
    item = library.sections[item_id]
    lines = [item.title, ""]
    lines += _fields([("Audience", item.audience), ("Tags", item.tags), ("Sources", item.sources)])
    return [*lines, "", *item.body.rstrip().split("\n")]


def _show_programme(library: Library, item_id: str) -> list[str]:
    item = library.programmes[item_id]
    lines = [item.title, "", *_wrap(item.summary), ""]
    lines += _fields(
        [
            ("Weeks", item.weeks),
            ("Sessions per week", item.sessions_label),
            ("Audience", item.audience),
            ("Sections", item.sections),
            ("Tags", item.tags),
            ("Sources", item.sources),
        ]
    )
    if item.intro:
        lines += ["", *_wrap(item.intro)]
    for phase in item.phases:
        lines += ["", phase.label + (f": {phase.title}" if phase.title else "")]
        for entry in phase.exercises:
            exercise = library.exercises[entry.exercise]
            level = exercise.level(entry.level)
            dose = dose_parts(
                entry.sets or level.sets,
                entry.reps or level.reps,
                _pick(entry.tempo, level.tempo),
                _pick(entry.rest, level.rest),
                _pick(entry.load, level.load),
                level.per_side,
            )
            name = f"{exercise.name} ({exercise.id})"
            lines += _join([name, f"level {entry.level}: {level.label}"], "  - ", ", ")
            lines += _join(dose, "    ")
            notes = _pick(entry.notes, "")
            lines += _wrap(notes, "    ") if notes else []
    return [*lines, "", "Pain rule", *_wrap(item.pain_rule, "  ")]


def _pick(override: str | None, default: str) -> str:
    return default if override is None else override


def _show_brand(library: Library, item_id: str) -> list[str]:
    from handouts.content.files import display_path

    item = library.brands[item_id]
    logo = library.logo_path(item_id)
    lines = [item.name, ""]
    lines += _fields(
        [
            ("Primary", item.primary),
            ("Accent", item.accent),
            ("Font", item.font),
            ("Paper", item.paper),
            ("Logo", display_path(logo) if logo else None),
            ("Contact", " · ".join(item.contact)),  # as the footer prints them; lines hold commas
            ("Website", item.website),
        ]
    )
    return [*lines, "", "Disclaimer", *_wrap(item.disclaimer, "  ")]


def _show_source(library: Library, item_id: str) -> list[str]:
    item = library.sources[item_id]
    doi = f"https://doi.org/{item.doi}" if item.doi else None
    return [
        item.title,
        "",
        *_fields(
            [
                ("Author", item.author),
                ("Year", item.year),
                ("Publisher", item.publisher),
                ("URL", item.url),
                ("DOI", doi),
                ("Note", item.note),
            ]
        ),
    ]


_SHOW = {
    "exercises": _show_exercise,
    "sections": _show_section,
    "programmes": _show_programme,
    "brands": _show_brand,
    "sources": _show_source,
}


def counts(library: Library) -> str:
    """``12 exercises, 3 sections, 1 programme, ...``: what a library holds."""
    return ", ".join(count(len(library.items(kind)), singular(kind), kind) for kind in KINDS)
