"""The web page's door into the engine: the workspace, plans and builds.

Every call the web page makes into content loading, composing, rendering,
post-processing and delivery goes through the engine modules (this one, and
engine_library, engine_batch and engine_brand beside it), so that moving to the
package's layered API changes them only; routes never import the engine. Nothing
here keeps patient data between calls: each build gets the whole plan from the form.
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
        self._session: Any = None
        self.figures: dict[tuple[str, ...], bytes] = {}  # drawn SVGs, until content is read again

    # ------------------------------------------------------------------ workspace

    @property
    def session(self) -> Any:
        """The API's session (content folders, handouts.yaml, the loaded library)."""
        if self._session is None:
            from handouts import api

            self._session = api.open_session(
                self.content_dirs,
                builtin=self.include_builtin,
                cwd=self.cwd,
                config=self.config,
            )
        return self._session

    def builder(self) -> Any:
        """The session's Builder over the library, leaving out items with problems."""
        with self.lock:
            return self.session.builder(lenient=True)

    def reload(self) -> None:
        """Read the content folders again (after a save, or a colleague's edit)."""
        with self.lock:
            self._session = None
            self.figures.clear()

    @property
    def library(self) -> Any:
        return self.builder().library

    def workspace_brand(self) -> Path | None:
        return self.session.workspace().brand

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

    def default_programme(self) -> str:
        from handouts.build import DEFAULT_PROGRAMME

        return DEFAULT_PROGRAMME

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

    def draft(self, plan: Plan) -> tuple[Any, Any]:
        """The plan as (programme or None, Selection): what a CLI build of it would ask for.

        An unchanged programme is the library's own object, so the handout is the one
        ``handouts build ID`` makes; a changed one is a programme model checked as the
        loader checks a programme file, built as a draft (``api.HandoutRequest.programme``).
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
            later = len(plan.blocks) - 1 - index  # blocks after this one: a week each at least
            last = weeks if not later else block.last
            if not first <= last <= weeks - later:
                raise PlanError(
                    f"{block.label}: Ends after week: give a week from {first} to "
                    f"{weeks - later}, so the weeks after it have a block of their own"
                )
            exercises = [
                {"exercise": r.exercise, "level": r.level, **r.overrides()} for r in block.rows
            ]
            phases.append({"weeks": (first, last), "title": block.title, "exercises": exercises})
            first = last + 1
        data |= {"phases": phases, "sections": plan.sections}
        try:
            draft = Programme.model_validate(data)
        except ValidationError as error:
            raise PlanError(self._plan_message(error, plan, data)) from None
        if base is None:
            draft = draft.model_copy(update={"summary": ""})
        elif draft == base:
            draft = base
        self._check_references(draft)
        return draft, selection

    def _plan_message(self, error: Any, plan: Plan, data: dict) -> str:
        """A pydantic error on a draft programme, worded for the page: which block of weeks,
        which exercise, which box ("Weeks 1–2, Toe walks, Sets: expected a whole number…")."""
        from handouts.content.messages import plain_message
        from handouts.content.models import Programme

        first = error.errors(include_url=False)[0]
        message = plain_message(first, Programme, data)
        message = message.replace("phases must cover", "blocks of weeks must cover")
        loc = tuple(first.get("loc", ()))
        if len(loc) >= 5 and loc[0] == "phases" and loc[2] == "exercises":
            block = plan.blocks[int(loc[1])]
            exercise_id = block.rows[int(loc[3])].exercise
            exercise = self.library.exercises.get(exercise_id)
            name = exercise.name if exercise else exercise_id
            return f"{block.label}, {name}, {DOSE_LABELS.get(str(loc[4]), loc[4])}: {message}"
        return message

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
        """The handout as the CLI's ``build`` makes it (the API's ``build``); raises for bad input.

        ``brand_file``: a draft brand instead of the workspace's (the brand page's preview).
        """
        from handouts import api
        from handouts.content.models import Patient
        from handouts.deliver.file_names import safe_name

        with self.lock:
            draft, selection = self.draft(plan)
            request = api.HandoutRequest(
                programme=draft,
                sections=selection.sections if draft is None else (),
                patient=Patient(
                    name=patient.name,
                    clinician=patient.clinician,
                    start=patient.start,
                    note=patient.note,
                ),
                options=options.handout_options(
                    brand=brand_file, weeks=selection.weeks, sessions=selection.sessions
                ),
                date=options.date,
            )
            try:
                built = api.build(self.session, request)
            finally:
                if brand_file:  # a draft lives in a temporary folder: do not keep it
                    self.builder().forget_brand(brand_file)
        handout = built.handout
        stem = handout.id + (f"-{safe_name(patient.name)}" if patient.name else "")
        return Built(
            built.pdf,
            f"{stem}.pdf",
            (*built.warnings, *built.notes),
            handout.brand,
            handout.title,
            handout.weeks,
            handout.sessions_label,
        )


DOSE_LABELS = {"sets": "Sets", "reps": "Reps", "tempo": "Tempo", "rest": "Rest"}
DOSE_LABELS |= {"load": "Load", "notes": "Note", "level": "Level"}
