"""The library's door into the engine: what the pages list, content checks, copies and saves.

With engine.py, engine_batch.py and engine_brand.py, the only modules of the web page
that call into the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import ContentError, HandoutsError
from handouts.web.engine import Engine, error_text
from handouts.web.plan import Plan, PlanError

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
IMAGE_TYPES[".svg"] = "image/svg+xml"


class SaveConflict(HandoutsError):
    """A programme with that id exists already; the page asks before replacing it."""


@dataclass(frozen=True)
class LevelInfo:
    number: int
    label: str
    sets: int
    reps: str
    dose: str


@dataclass(frozen=True)
class FigureInfo:
    """One picture of an exercise as the page shows it: where to get it, and what it shows."""

    url: str
    alt: str  # the figure's own one-sentence alternative text
    levels: tuple[int, ...]  # the levels it shows (levels of one pose share a figure)

    @property
    def caption(self) -> str:
        if len(self.levels) == 1:
            return f"Level {self.levels[0]}"
        return f"Levels {self.levels[0]}–{self.levels[-1]}"


@dataclass(frozen=True)
class ExerciseInfo:
    id: str
    name: str
    summary: str
    tags: tuple[str, ...]
    levels: tuple[LevelInfo, ...]
    figures: tuple[FigureInfo, ...]  # one per pose (the library page); () without a picture
    builtin: bool

    @property
    def has_figure(self) -> bool:
        return bool(self.figures)

    def thumb(self, level: int = 1) -> FigureInfo | None:
        """The small picture of ``level`` (the build page's picker and plan rows)."""
        for info in self.figures:
            if level in info.levels:
                small = "&size=small" if "?" in info.url else ""
                return FigureInfo(info.url + small, info.alt, info.levels)
        return None


@dataclass(frozen=True)
class ItemInfo:
    """A programme or section as the page lists it."""

    id: str
    title: str
    summary: str
    tags: tuple[str, ...]
    builtin: bool


def dose_text(sets: int, reps: str, per_side: bool = False) -> str:
    """``3 × 15 each side``, worded as `handouts show` words it."""
    from handouts.wording import dose_parts

    return dose_parts(sets, reps, "", "", "", per_side)[0]


def programmes(engine: Engine) -> list[ItemInfo]:
    library = engine.library
    return [
        ItemInfo(p.id, p.title, p.summary, tuple(p.tags), library.is_builtin("programmes", p.id))
        for p in sorted(library.programmes.values(), key=lambda p: p.title.lower())
    ]


def sections(engine: Engine) -> list[ItemInfo]:
    library = engine.library
    return [
        ItemInfo(s.id, s.title, "", tuple(s.tags), library.is_builtin("sections", s.id))
        for s in sorted(library.sections.values(), key=lambda s: s.title.lower())
    ]


def exercises(engine: Engine) -> list[ExerciseInfo]:
    library = engine.library
    return [
        ExerciseInfo(
            id=e.id,
            name=e.name,
            summary=e.summary,
            tags=tuple(e.tags),
            levels=tuple(
                LevelInfo(
                    lv.level,
                    lv.label,
                    lv.sets,
                    lv.reps,
                    dose_text(lv.sets, lv.reps, lv.per_side),
                )
                for lv in e.levels
            ),
            figures=_figures(library, e),
            builtin=library.is_builtin("exercises", e.id),
        )
        for e in sorted(library.exercises.values(), key=lambda e: e.name.lower())
    ]


def _figures(library: Any, exercise: Any) -> tuple[FigureInfo, ...]:
    """The exercise's pictures: its own image, else one drawn figure per pose."""
    levels = tuple(level.level for level in exercise.levels)
    if _image(library, exercise.id) is not None:
        return (FigureInfo(f"/figure/{exercise.id}", f"Picture: {exercise.name}", levels),)
    shown: list[tuple[Any, list[int]]] = []  # (figure, its levels); a pose shared is shown once
    for number in levels:
        drawn = exercise.figure_at(number)
        if drawn is None:
            continue
        if shown and shown[-1][0] is drawn:
            shown[-1][1].append(number)
        else:
            shown.append((drawn, [number]))
    return tuple(
        FigureInfo(f"/figure/{exercise.id}?level={numbers[0]}", drawn.alt, tuple(numbers))
        for drawn, numbers in shown
    )


def _image(library: Any, exercise_id: str) -> tuple[Path, str] | None:
    """The clinic's own picture file of an exercise (``image:``) and its media type."""
    path = library.image_path(exercise_id)
    if path is None or not path.is_file():
        return None
    media = IMAGE_TYPES.get(path.suffix.lower())
    return (path, media) if media else None


@dataclass(frozen=True)
class Picture:
    """A picture to send: the bytes of a file, or of an SVG drawn from the exercise's pose."""

    media_type: str
    data: bytes = b""
    path: Path | None = None  # a clinic's own image file, sent as it is


FIGURE_WIDTHS = {"": 240.0, "small": 64.0}  # pixels; an SVG scales, so these set its detail


def figure(engine: Engine, exercise_id: str, level: int = 1, size: str = "") -> Picture | None:
    """The picture of one level of an exercise, or None if it has none.

    A clinic's own ``image:`` is sent as its file. Otherwise the level's figure is drawn
    as SVG from the pose in the exercise file, in the workspace brand's colours (as the
    handout draws it), the end pose alone when ``size`` is "small" (as the handout's
    thumbnails); drawn once and kept until the content is read again. The SVG holds only
    paths and the escaped alternative text, never markup from a file.
    """
    if size not in FIGURE_WIDTHS:
        return None
    with engine.lock:
        library = engine.library
        exercise = library.exercises.get(exercise_id)
        if exercise is None:
            return None
        image = _image(library, exercise_id)
        if image is not None:
            return Picture(image[1], path=image[0])
        if not 1 <= level <= len(exercise.levels):
            return None
        drawn = exercise.figure_at(level)
        if drawn is None:
            return None
        brand, _logo = engine.builder().brand(engine.workspace_brand())
        key = (drawn.model_dump_json(), size, brand.primary, brand.accent)
        cache = engine.figures
        if key not in cache:
            from handouts.render.figures import figure_picture
            from handouts.render.figures.files import brand_style
            from handouts.render.figures.paint import svg_text

            pic = figure_picture(drawn, end_only=size == "small")
            cache[key] = svg_text(pic, brand_style(brand, mono=False), FIGURE_WIDTHS[size]).encode()
        return Picture("image/svg+xml", cache[key])


def check(engine: Engine) -> list[str]:
    """Every content problem, as `handouts check` lists them ([] when all is well)."""
    from handouts import api

    with engine.lock:
        try:
            result = api.check(engine.session)
        except HandoutsError as error:  # a broken handouts.yaml
            return error_text(error)
    if result.problems or result.library is None:
        return error_text(ContentError(result.problems))
    return []


def copy_item(engine: Engine, kind: str, item_id: str, new_id: str = "") -> list[Path]:
    """Copy a built-in item into the workspace's first content folder, as `handouts copy`
    does (never overwriting); returns the files written."""
    from handouts.content import copy

    if kind not in copy.COPYABLE:
        raise HandoutsError(f"{kind}: only exercises, sections, programmes and brands copy")
    folders = engine.session.content_folders()
    if not folders:
        raise HandoutsError(
            "no content folder to copy into: run `handouts init clinic`, then start "
            "`handouts serve` in the clinic folder"
        )
    with engine.lock:
        if item_id not in engine.library.items(kind):
            raise HandoutsError(f'there is no {kind[:-1]} "{item_id}" in the library')
        copied = copy.copy_item(engine.library, kind, item_id, Path(folders[0]), new_id or None)
    engine.reload()
    return list(copied.files)


def programme_folder(engine: Engine) -> Path:
    """programmes/ in the workspace's first content folder (handouts.yaml ``content:``)."""
    folders = engine.session.workspace().content
    if not folders:
        raise HandoutsError(
            "saving needs a clinic content folder: run `handouts init clinic`, then start "
            "`handouts serve` in the clinic folder"
        )
    return Path(folders[0]).resolve() / "programmes"


def save_programme(
    engine: Engine, plan: Plan, new_id: str, title: str, summary: str, replace: bool = False
) -> Path:
    """Write the plan as a clinic programme file, checked as `handouts check` checks it."""
    import re

    import yaml

    from handouts.content.models import ID_PATTERN
    from handouts.deliver.files import write_atomic

    if not re.match(ID_PATTERN, new_id) or len(new_id) > 80:
        raise PlanError(
            "Programme id: use lower-case letters, digits and single hyphens, such as knee-plan-2"
        )
    if not title.strip() or not summary.strip():
        raise PlanError("give the programme a title and a one-line summary")
    draft, selection = engine.draft(plan)
    if draft is None:
        raise PlanError("a programme needs at least one exercise")
    if selection.weeks or selection.sessions:
        raise PlanError(
            "a saved programme keeps its own length and sessions: set the blocks of weeks "
            "instead, or leave Length and Sessions as they are"
        )
    saved = draft.model_copy(update={"id": new_id, "title": title.strip()})
    saved = saved.model_copy(update={"summary": summary.strip()})
    folder = programme_folder(engine)
    path = folder / f"{new_id}.yaml"
    if path.resolve().parent != folder:  # an id cannot leave the folder; belt and braces
        raise PlanError("the programme must stay in the workspace's programmes folder")
    if (path.exists() or new_id in engine.library.programmes) and not replace:
        raise SaveConflict(f'a programme "{new_id}" exists already')
    text = "# Saved from the handouts web page.\n" + yaml.safe_dump(
        saved.model_dump(mode="json", exclude_defaults=True) | {"id": new_id},
        sort_keys=False,
        allow_unicode=True,
    )
    _check_programme_text(engine, new_id, text)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))
    engine.reload()
    return path


def _check_programme_text(engine: Engine, new_id: str, text: str) -> None:
    """Load the file as the library would and lay it out, as `check` does, before saving."""
    import tempfile

    from handouts import api
    from handouts.content.loader import load_library

    with tempfile.TemporaryDirectory() as tmp:  # programme content only, no patient data
        candidate = Path(tmp) / "programmes" / f"{new_id}.yaml"
        candidate.parent.mkdir()
        candidate.write_text(text, encoding="utf-8")
        folders = [*engine.session.content_folders(), Path(tmp)]
        library = load_library(
            folders, include_builtin=engine.session.include_builtin, lenient=True
        )
    own = [p for p in library.problems if tmp in str(p.path) or new_id in p.path]
    if own:
        raise ContentError(own)
    saved = library.programmes.get(new_id)  # as the library will read it; laid out as a draft
    if saved is None:  # left out for an item it uses, whose problem is its file's
        raise ContentError(list(library.problems))
    with engine.lock:
        for large_print in (True, False):
            options = api.HandoutOptions(large_print=large_print)
            api.build(engine.session, api.HandoutRequest(saved, options=options))
