"""Compose: a selection (programme or ad-hoc exercises and sections) → one Handout.

The Handout is plain data with every dosage resolved, so the renderer never
looks anything up and a test can build one without touching files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from handouts.content.conditions import fitting_body
from handouts.content.models import (
    DEFAULT_PAIN_RULE,
    Brand,
    Exercise,
    Level,
    Parts,
    Patient,
    Phase,
    PhaseExercise,
    Programme,
    Section,
    Source,
    Tracking,
    levels_text,
    pain_rule_for,
)
from handouts.errors import SelectionError
from handouts.wording import unknown_item

ADHOC_WEEKS = 6
ADHOC_SESSIONS = 3
ADHOC_TITLE = "Your exercise programme"
SECTIONS_TITLE = "Your handout"  # no exercises: no programme to promise


@dataclass(frozen=True)
class Row:
    """One exercise at one level in one phase, with overrides applied."""

    exercise: Exercise
    dose: Level


@dataclass(frozen=True)
class PhasePlan:
    weeks: tuple[int, int]
    label: str
    title: str
    rows: list[Row]

    def covers(self, week: int) -> bool:
        return self.weeks[0] <= week <= self.weeks[1]


@dataclass(frozen=True)
class Options:
    paper: str = "a4"
    large_print: bool = False
    ink_saver: bool = False
    fillable: bool = False
    private: bool = False  # keep the patient's name out of the PDF metadata
    # Printed double-sided: the tracking sheet starts on a front (a notes page before it
    # where needed). Printed one-sided, any page is a front: no notes page to fill.
    duplex: bool = False
    booklet: bool = False  # laid out at half the paper's size, to fold; the tracker full size
    bleed: bool = False  # for a print shop: bleed, crop marks and page boxes (post/bleed.py)


@dataclass(frozen=True)
class Handout:
    id: str
    title: str
    summary: str
    brand: Brand
    logo: Path | None
    patient: Patient
    weeks: int
    sessions_per_week: int
    sessions_label: str
    intro: str  # programme-specific intro text (the template wraps it)
    sessions_set: bool  # --sessions replaced the programme's sessions a week
    phases: list[PhasePlan]
    sections: list[Section]
    sources: list[Source]
    pain_rule: str
    tracking: Tracking
    parts: Parts
    date: dt.date
    options: Options = Options()
    images: dict[str, Path] = field(default_factory=dict)

    @property
    def exercises(self) -> list[Exercise]:
        """Each exercise once, in order of first appearance."""
        seen: dict[str, Exercise] = {}
        for phase in self.phases:
            for row in phase.rows:
                seen.setdefault(row.exercise.id, row.exercise)
        return list(seen.values())

    def phase_for(self, week: int) -> PhasePlan:
        return next(phase for phase in self.phases if phase.covers(week))

    @property
    def contents(self) -> dict[str, bool]:
        """What this handout prints: its parts, less those with nothing to show."""
        exercises = bool(self.exercises)
        # One exercise's card says all its table would: the weeks, levels and doses (and,
        # without the table, the levels' notes). The card alone leaves page one room for it.
        lone_card = self.parts.cards and len(self.exercises) == 1
        return {
            "exercises": exercises,
            "intro": self.parts.intro,
            "table": self.parts.table and bool(self.phases) and not lone_card,
            "cards": self.parts.cards and exercises,
            "sections": self.parts.sections and bool(self.sections),
            "tracking": self.parts.tracking and exercises,
            "sources": self.parts.sources and bool(self.sources),
        }


@dataclass(frozen=True)
class Selection:
    """What the user asked for on the command line, in a roster row or on the web page.

    ``programme``: a programme's id, or a ``Programme`` that is not in the library (the
    web page's edited plan); its exercises and sections are looked up in the library.
    """

    programme: str | Programme | None = None
    exercises: list[tuple[str, int | None]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    level: int | None = None
    weeks: int | None = None
    sessions: int | None = None


def parse_exercise_ref(ref: str) -> tuple[str, int | None]:
    """``"bent-knee-calf-raise:2"`` → ``("bent-knee-calf-raise", 2)``."""
    name, colon, level = ref.partition(":")
    if not name.strip():
        raise SelectionError(
            f"exercise {ref}: give an exercise id, such as bent-knee-calf-raise:2",
            subject="exercise",
        )
    if not colon:
        return name, None
    if not level.isdigit() or int(level) < 1:
        problem = "is missing" if not level else "must be a number from 1, such as 2"
        raise SelectionError(f'exercise {ref}: the level after ":" {problem}', subject="exercise")
    return name, int(level)


def _lookup(kind: str, wanted: str, known: dict) -> object:
    if wanted in known:
        return known[wanted]
    raise SelectionError(unknown_item(kind, wanted, known))


def _level_of(exercise: Exercise, number: int, context: str, subject: str = "") -> Level:
    if not 1 <= number <= len(exercise.levels):
        raise SelectionError(
            f"{context}: exercise {exercise.id} has {levels_text(len(exercise.levels))}, "
            f"not {number}",
            subject=subject,
        )
    return exercise.level(number)


def _apply(level: Level, item: PhaseExercise) -> Level:
    overrides = {
        name: value
        for name in ("sets", "reps", "tempo", "rest", "load", "notes")
        if (value := getattr(item, name)) is not None
    }
    return level.model_copy(update=overrides)


def _plan_phase(phase: Phase, exercises: dict[str, Exercise], shift: int, weeks: int) -> PhasePlan:
    rows = []
    for item in phase.exercises:
        exercise = _lookup("exercises", item.exercise, exercises)
        # --level N starts the programme N-1 levels higher, never past the top level.
        number = min(item.level + shift, len(exercise.levels))
        rows.append(Row(exercise, _apply(_level_of(exercise, number, phase.label), item)))
    first, last = phase.weeks[0], min(phase.weeks[1], weeks)
    label = f"Week {first}" if first == last else f"Weeks {first}–{last}"
    return PhasePlan((first, last), label, phase.title, rows)


def _programme_phases(
    programme: Programme, library, selection: Selection, weeks: int
) -> list[PhasePlan]:
    shift = (selection.level or 1) - 1
    phases = [
        _plan_phase(phase, library.exercises, shift, weeks)
        for phase in programme.phases
        if phase.weeks[0] <= weeks
    ]
    if weeks > phases[-1].weeks[1]:  # --weeks longer than the programme: keep the last phase going
        last = phases[-1]
        phases[-1] = PhasePlan(
            (last.weeks[0], weeks), f"Weeks {last.weeks[0]}–{weeks}", last.title, last.rows
        )
    return phases


def _adhoc_phases(library, selection: Selection, weeks: int) -> list[PhasePlan]:
    rows = []
    for index, (exercise_id, level) in enumerate(selection.exercises):
        if any(other == exercise_id for other, _ in selection.exercises[:index]):
            raise SelectionError(
                f"exercise {exercise_id} is given twice; give it once, at the level you want",
                subject="exercise",
            )
        exercise = _lookup("exercises", exercise_id, library.exercises)
        number = level or selection.level or 1
        rows.append(
            Row(exercise, _level_of(exercise, number, f"exercise {exercise_id}", "exercise"))
        )
    label = f"Weeks 1–{weeks}" if weeks > 1 else "Week 1"
    return [PhasePlan((1, weeks), label, "", rows)] if rows else []


def _summary(programme: Programme | None, weeks: int) -> str:
    """The programme's summary, as long as the handout has the programme's length.

    A summary describes the programme as written ("A 6-week plan for..."): when --weeks
    gives it another length, the summary is left out rather than contradict "Length".
    """
    return programme.summary if programme and weeks == programme.weeks else ""


def _cited_sources(items: list, library) -> list[Source]:
    ids: list[str] = []
    for item in items:
        ids.extend(source for source in item.sources if source not in ids)
    return [library.sources[source] for source in ids if source in library.sources]


def _fitted(section: Section, exercises: Iterable[str]) -> Section:
    """The section with only the items that fit these exercises (content/conditions.py)."""
    body = fitting_body(section.body, exercises)
    return section if body == section.body else section.model_copy(update={"body": body})


def compose(
    library,
    selection: Selection,
    brand: Brand,
    logo: Path | None,
    patient: Patient,
    date: dt.date,
    options: Options = Options(),
) -> Handout:
    """Resolve a selection against the library into a Handout."""
    programme = selection.programme or None
    if isinstance(programme, str):
        programme = _lookup("programmes", programme, library.programmes)
    if programme is None and not selection.exercises and not selection.sections:
        raise SelectionError(
            "nothing to build: name a programme, or choose exercises or sections",
            needs="selection",
        )
    weeks = selection.weeks or (programme.weeks if programme else ADHOC_WEEKS)
    sessions = selection.sessions or (programme.sessions_per_week if programme else ADHOC_SESSIONS)
    phases = _adhoc_phases(library, selection, weeks)
    if programme:  # ad-hoc exercises join every phase of the programme
        extra = phases[0].rows if phases else []
        for row in extra:
            if any(e.exercise == row.exercise.id for p in programme.phases for e in p.exercises):
                raise SelectionError(
                    f"exercise {row.exercise.id}: programme {programme.id} has it already",
                    subject="exercise",
                )
        phases = [
            PhasePlan(p.weeks, p.label, p.title, p.rows + extra)
            for p in _programme_phases(programme, library, selection, weeks)
        ]
    # dict.fromkeys: a section given twice, or already in the programme, prints once.
    wanted = [*(programme.sections if programme else []), *selection.sections]
    section_ids = list(dict.fromkeys(wanted))
    exercises = {row.exercise.id: row.exercise for phase in phases for row in phase.rows}
    sections = [_fitted(_lookup("sections", s, library.sections), exercises) for s in section_ids]
    sources = _cited_sources(
        ([programme] if programme else []) + list(exercises.values()) + sections, library
    )
    sessions_label = (
        programme.sessions_label if programme and not selection.sessions else str(sessions)
    )
    return Handout(
        id=programme.id if programme else "handout",
        title=programme.title if programme else (ADHOC_TITLE if phases else SECTIONS_TITLE),
        summary=_summary(programme, weeks),
        brand=brand,
        logo=logo,
        patient=patient,
        weeks=weeks,
        sessions_per_week=sessions,
        sessions_label=sessions_label,
        intro=programme.intro if programme else "",
        sessions_set=bool(programme and sessions_label != programme.sessions_label),
        phases=phases,
        sections=sections,
        sources=sources,
        pain_rule=pain_rule_for(
            programme.pain_rule if programme else DEFAULT_PAIN_RULE, brand.roles.clinician
        ),
        tracking=programme.tracking if programme else Tracking(),
        parts=programme.parts if programme else Parts(),
        date=date,
        options=options,
        images={ex_id: path for ex_id in exercises if (path := library.image_path(ex_id))},
    )
