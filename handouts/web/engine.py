"""The web page's one door into the engine.

Every call the web page makes into content loading, composing, rendering,
post-processing and delivery goes through this module, so that moving to the
package's layered API changes this file only. It holds no patient data between
calls: each build gets the whole plan from the form.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.errors import ContentError, HandoutsError
from handouts.web.plan import Block, PageOptions, PatientFields, Plan, PlanError, Row

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
class ExerciseInfo:
    id: str
    name: str
    summary: str
    tags: tuple[str, ...]
    levels: tuple[LevelInfo, ...]
    has_figure: bool
    builtin: bool


@dataclass(frozen=True)
class ItemInfo:
    """A programme or section as the page lists it."""

    id: str
    title: str
    summary: str
    tags: tuple[str, ...]
    builtin: bool


@dataclass(frozen=True)
class Built:
    pdf: bytes
    filename: str
    warnings: tuple[str, ...]
    brand: Any = None  # content.models.Brand; the rest is what an e-mail's text says
    title: str = ""
    weeks: int = 0
    sessions: str = ""


def error_text(error: Exception) -> list[str]:
    """An engine error as lines for the page (one per content problem)."""
    if isinstance(error, ContentError):
        return [str(problem) for problem in error.problems]
    if isinstance(error, HandoutsError):
        return [error.format_message()]
    return [str(error)]


def dose_text(sets: int, reps: str, per_side: bool = False) -> str:
    """``3 × 15 each side``, worded as `handouts show` words it."""
    from handouts.cli.app import _dose

    return _dose(sets, reps, "", "", "", per_side)[0]


class Engine:
    """The workspace the server was started in: handouts.yaml, brand and content folders.

    reportlab is not thread-safe, so builds run one at a time under a lock; a warm
    build takes milliseconds, so a clinic's few users never notice.
    """

    def __init__(
        self,
        cwd: Path,
        content_dirs: Sequence[Path] = (),
        config: Path | None = None,
        include_builtin: bool = True,
    ) -> None:
        self.cwd = Path(cwd).resolve()
        self.content_dirs = list(content_dirs)
        self.config = config  # --config or HANDOUTS_CONFIG; None: handouts.yaml found upward
        self.include_builtin = include_builtin
        self.lock = threading.RLock()
        self._builder: Any = None
        self._app: Any = None

    # ------------------------------------------------------------------ workspace

    @property
    def app(self) -> Any:
        if self._app is None:
            from handouts.cli.app import App

            self._app = App(
                content_dirs=self.content_dirs,
                include_builtin=self.include_builtin,
                cwd=self.cwd,
                config=self.config,
            )
        return self._app

    def builder(self) -> Any:
        with self.lock:
            if self._builder is None:
                from handouts.cli.build import make_builder

                self._builder = make_builder(self.app, lenient=True)
            return self._builder

    def reload(self) -> None:
        """Read the content folders again (after a save, or a colleague's edit)."""
        with self.lock:
            self._app = None
            self._builder = None

    @property
    def library(self) -> Any:
        return self.builder().library

    def workspace_brand(self) -> Path | None:
        return self.app.workspace().brand

    def brand_name(self) -> str:
        brand, _logo = self.builder().brand(self.workspace_brand())
        return brand.name

    def uses_demo_brand(self) -> bool:
        """True when handouts carry the made-up demo clinic (no brand of the clinic's own)."""
        from handouts.content.demo import is_demo_brand

        brand, _logo = self.builder().brand(self.workspace_brand())
        return is_demo_brand(brand)

    def content_problems(self) -> list[str]:
        return [str(problem) for problem in self.library.problems]

    def check(self) -> list[str]:
        """Every content problem, as `handouts check` lists them ([] when all is well)."""
        import contextlib
        import io

        import click

        from handouts.cli.app import check

        quiet = contextlib.redirect_stdout(io.StringIO())  # its "ok: …" line is for a terminal
        with self.lock, quiet, click.Context(check, obj=self.app) as context:
            try:
                context.invoke(check, content_dirs=())
            except ContentError as error:
                return error_text(error)
            except HandoutsError as error:
                return error_text(error)
        return []

    def copy_item(self, kind: str, item_id: str, new_id: str = "") -> list[Path]:
        """Copy a built-in item into the workspace's first content folder, as `handouts copy`
        does (never overwriting); returns the files written."""
        from handouts.content.copy import COPYABLE, copy_item

        if kind not in COPYABLE:
            raise HandoutsError(f"{kind}: only exercises, sections, programmes and brands copy")
        folders = self.app.content_folders()
        if not folders:
            raise HandoutsError(
                "no content folder to copy into: run `handouts init clinic`, then start "
                "`handouts serve` in the clinic folder"
            )
        with self.lock:
            if item_id not in self.library.items(kind):
                raise HandoutsError(f'there is no {kind[:-1]} "{item_id}" in the library')
            copied = copy_item(self.library, kind, item_id, Path(folders[0]), new_id or None)
        self.reload()
        return list(copied.files)

    def default_programme(self) -> str:
        from handouts.build import DEFAULT_PROGRAMME

        return DEFAULT_PROGRAMME

    # ------------------------------------------------------------------ catalogue

    def programmes(self) -> list[ItemInfo]:
        library = self.library
        return [
            ItemInfo(
                p.id, p.title, p.summary, tuple(p.tags), library.is_builtin("programmes", p.id)
            )
            for p in sorted(library.programmes.values(), key=lambda p: p.title.lower())
        ]

    def sections(self) -> list[ItemInfo]:
        library = self.library
        return [
            ItemInfo(s.id, s.title, "", tuple(s.tags), library.is_builtin("sections", s.id))
            for s in sorted(library.sections.values(), key=lambda s: s.title.lower())
        ]

    def exercises(self) -> list[ExerciseInfo]:
        library = self.library
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
                has_figure=self.figure(e.id) is not None,
                builtin=library.is_builtin("exercises", e.id),
            )
            for e in sorted(library.exercises.values(), key=lambda e: e.name.lower())
        ]

    def figure(self, exercise_id: str) -> tuple[Path, str] | None:
        """The exercise's picture file and its media type, if it has one the page can show."""
        library = self.library
        if exercise_id not in library.exercises:
            return None
        path = library.image_path(exercise_id)
        if path is None or not path.is_file():
            return None
        media = IMAGE_TYPES.get(path.suffix.lower())
        return (path, media) if media else None

    def sessions_of(self, programme_id: str) -> tuple[int, int]:
        """(weeks, sessions a week) of a programme, or of a blank plan."""
        from handouts.compose import ADHOC_SESSIONS, ADHOC_WEEKS

        programme = self.library.programmes.get(programme_id)
        if programme is None:
            return ADHOC_WEEKS, ADHOC_SESSIONS
        return programme.weeks, programme.sessions_per_week

    # ------------------------------------------------------------------ plans

    def plan_for(self, programme_id: str) -> Plan:
        """The plan a programme holds, ready to edit; "" gives a blank plan."""
        from handouts.compose import ADHOC_WEEKS

        if not programme_id:
            return Plan(base="", blocks=[Block(1, ADHOC_WEEKS)])
        programme = self.library.programmes.get(programme_id)
        if programme is None:
            raise PlanError(f'there is no programme "{programme_id}" in the library')
        blocks = [
            Block(
                phase.weeks[0],
                phase.weeks[1],
                phase.title,
                [
                    Row(
                        item.exercise,
                        item.level,
                        **{
                            name: "" if getattr(item, name) is None else str(getattr(item, name))
                            for name in ("sets", "reps", "tempo", "rest", "load", "notes")
                        },
                    )
                    for item in phase.exercises
                ],
            )
            for phase in programme.phases
        ]
        return Plan(base=programme.id, blocks=blocks, sections=list(programme.sections))

    def _draft(self, plan: Plan) -> tuple[Any, Any]:
        """The plan as (programme or None, Selection): what a CLI build of it would ask for.

        An unchanged programme is the library's own object, so the handout is the one
        ``handouts build ID`` makes; a changed one is a programme model checked as the
        loader checks a programme file.
        """
        from pydantic import ValidationError

        from handouts.compose import ADHOC_SESSIONS, ADHOC_TITLE, ADHOC_WEEKS, Selection
        from handouts.content.models import Programme

        library = self.library
        base = library.programmes.get(plan.base) if plan.base else None
        if plan.base and base is None:
            raise PlanError(f'there is no programme "{plan.base}" in the library any more')
        weeks = base.weeks if base else ADHOC_WEEKS
        sessions = base.sessions_per_week if base else ADHOC_SESSIONS
        selection = Selection(
            programme=base.id if base else "handout",
            weeks=plan.weeks if plan.weeks not in (None, weeks) else None,
            sessions=plan.sessions if plan.sessions not in (None, sessions) else None,
        )
        if not any(block.rows for block in plan.blocks):
            if not plan.sections:
                raise PlanError("the plan is empty: add an exercise or an education section")
            return None, dataclasses.replace(selection, programme=None, sections=plan.sections)
        for block in plan.blocks:
            if not block.rows:
                raise PlanError(
                    f"{block.label} has no exercises: add one, or join it with the next block"
                )
        data = (
            base.model_dump()
            if base
            else {
                "id": "handout",
                "title": ADHOC_TITLE,
                "summary": "-",  # left out below: an ad-hoc handout has no summary
                "weeks": weeks,
                "sessions_per_week": sessions,
            }
        )
        first = 1
        phases = []
        for index, block in enumerate(plan.blocks):
            last = weeks if index == len(plan.blocks) - 1 else block.last
            exercises = [
                {"exercise": r.exercise, "level": r.level, **r.overrides()} for r in block.rows
            ]
            phases.append({"weeks": (first, last), "title": block.title, "exercises": exercises})
            first = last + 1
        data |= {"phases": phases, "sections": plan.sections}
        try:
            draft = Programme.model_validate(data)
        except ValidationError as error:
            raise PlanError(_plan_message(error)) from None
        if base is None:
            draft = draft.model_copy(update={"summary": ""})
        elif draft == base:
            draft = base
        self._check_references(draft)
        return draft, selection

    def _check_references(self, draft: Any) -> None:
        from handouts.content.models import levels_text

        library = self.library
        for phase in draft.phases:
            for item in phase.exercises:
                exercise = library.exercises.get(item.exercise)
                if exercise is None:
                    raise PlanError(f'there is no exercise "{item.exercise}" in the library')
                if item.level > len(exercise.levels):
                    raise PlanError(
                        f"{exercise.name} has {levels_text(len(exercise.levels))}, not {item.level}"
                    )
        for section in draft.sections:
            if section not in library.sections:
                raise PlanError(f'there is no section "{section}" in the library')

    def build(
        self,
        plan: Plan,
        patient: PatientFields,
        options: PageOptions,
        brand_file: Path | None = None,
    ) -> Built:
        """The handout as the CLI's ``build`` makes it, as PDF bytes; raises for bad input.

        ``brand_file``: a draft brand instead of the workspace's (the brand page's preview).
        """
        from handouts.build import Request
        from handouts.cli.build import build_despite_other_problems, make_options
        from handouts.content.models import Patient
        from handouts.deliver.roster import safe_name

        with self.lock:
            builder = self.builder()
            library = builder.library
            draft, selection = self._draft(plan)
            request = Request(
                selection=selection,
                patient=Patient(
                    name=patient.name,
                    clinician=patient.clinician,
                    start=patient.start,
                    note=patient.note,
                ),
                brand_file=brand_file or self.workspace_brand(),
                options=make_options(
                    options.paper,
                    options.large_print,
                    options.ink_saver,
                    options.fillable,
                    options.private,
                ),
                date=options.date,
            )
            if draft is not None and library.programmes.get(draft.id) is not draft:
                programmes = {**library.programmes, draft.id: draft}
                builder.library = dataclasses.replace(library, programmes=programmes)
            try:
                handout, pdf = build_despite_other_problems(builder, request)
                warnings = tuple(builder.warnings(handout))
            finally:
                builder.library = library
                if brand_file:  # a draft lives in a temporary folder: do not keep it
                    builder._brands.pop(str(brand_file), None)
        if options.private or options.booklet:
            from handouts.post.finish import finish_pdf

            pdf, notes = finish_pdf(
                pdf,
                private_name=patient.name if options.private else "",
                booklet=options.booklet,
                large_print=options.large_print,
            )
            warnings += tuple(notes)
        stem = handout.id + (f"-{safe_name(patient.name)}" if patient.name else "")
        return Built(
            pdf,
            f"{stem}.pdf",
            warnings,
            handout.brand,
            handout.title,
            handout.weeks,
            handout.sessions_label,
        )

    # ------------------------------------------------------------------ saving

    def programme_folder(self) -> Path:
        """programmes/ in the workspace's first content folder (handouts.yaml ``content:``)."""
        folders = self.app.workspace().content
        if not folders:
            raise HandoutsError(
                "saving needs a clinic content folder: run `handouts init clinic`, then start "
                "`handouts serve` in the clinic folder"
            )
        return Path(folders[0]).resolve() / "programmes"

    def save_programme(
        self, plan: Plan, new_id: str, title: str, summary: str, replace: bool = False
    ) -> Path:
        """Write the plan as a clinic programme file, checked as `handouts check` checks it."""
        import re

        import yaml

        from handouts.content.models import ID_PATTERN
        from handouts.deliver.files import write_atomic

        if not re.match(ID_PATTERN, new_id) or len(new_id) > 80:
            raise PlanError(
                "Programme id: use lower-case letters, digits and single hyphens, "
                "such as knee-plan-2"
            )
        if not title.strip() or not summary.strip():
            raise PlanError("give the programme a title and a one-line summary")
        draft, selection = self._draft(plan)
        if draft is None:
            raise PlanError("a programme needs at least one exercise")
        if selection.weeks or selection.sessions:
            raise PlanError(
                "a saved programme keeps its own length and sessions: set the blocks of weeks "
                "instead, or leave Length and Sessions as they are"
            )
        saved = draft.model_copy(update={"id": new_id, "title": title.strip()})
        saved = saved.model_copy(update={"summary": summary.strip()})
        folder = self.programme_folder()
        path = folder / f"{new_id}.yaml"
        if path.resolve().parent != folder:  # an id cannot leave the folder; belt and braces
            raise PlanError("the programme must stay in the workspace's programmes folder")
        if (path.exists() or new_id in self.library.programmes) and not replace:
            raise SaveConflict(f'a programme "{new_id}" exists already')
        text = "# Saved from the handouts web page.\n" + yaml.safe_dump(
            saved.model_dump(mode="json", exclude_defaults=True) | {"id": new_id},
            sort_keys=False,
            allow_unicode=True,
        )
        self._check_programme_text(new_id, text)
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
        self.reload()
        return path

    def _check_programme_text(self, new_id: str, text: str) -> None:
        """Load the file as the library would and lay it out, as `check` does, before saving."""
        import tempfile

        from handouts.build import Request
        from handouts.compose import Options, Selection
        from handouts.content.loader import load_library

        with tempfile.TemporaryDirectory() as tmp:  # programme content only, no patient data
            candidate = Path(tmp) / "programmes" / f"{new_id}.yaml"
            candidate.parent.mkdir()
            candidate.write_text(text, encoding="utf-8")
            folders = [*self.app.content_folders(), Path(tmp)]
            library = load_library(folders, include_builtin=self.app.include_builtin, lenient=True)
            own = [p for p in library.problems if tmp in str(p.path) or new_id in p.path]
            if own:
                raise ContentError(own)
            with self.lock:
                builder = self.builder()
                original = builder.library
                builder.library = library
                try:
                    for large_print in (True, False):
                        options = Options(paper="", large_print=large_print)
                        request = Request(
                            Selection(programme=new_id),
                            brand_file=self.workspace_brand(),
                            options=options,
                        )
                        builder.build(request)
                finally:
                    builder.library = original


def _plan_message(error: Any) -> str:
    """A pydantic error on a draft programme, worded for the page's blocks of weeks."""
    first = error.errors()[0]
    message = str(first.get("msg", "")).removeprefix("Value error, ")
    message = message.replace("phases must cover", "blocks of weeks must cover")
    location = ".".join(str(part) for part in first.get("loc", ()))
    if location.startswith("phases") and "exercises" in location:
        return f"an exercise's dose: {message}"
    return message
