"""Typed content models. Plain data: nothing here knows about reportlab or files.

Every model forbids unknown fields, so a typo such as ``rets:`` is an error
instead of a silently ignored key.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from handouts.content.base import NON_ASCII, Model, Text, clean_text
from handouts.content.figure import Figure, figure_for

__all__ = ["NON_ASCII", "Model", "Text", "clean_text"]  # kept importable from here

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=80)]
HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
WEEK_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$")


def levels_text(count: int) -> str:
    """ "levels 1–4", or "only level 1": how many levels an exercise has, in words."""
    return "only level 1" if count == 1 else f"levels 1–{count}"


class Level(Model):
    """One progression level of an exercise, with its full dosage."""

    level: int = Field(ge=1, le=20)
    label: Text
    sets: int = Field(ge=1, le=20)
    reps: Text  # text on purpose: "15", "10–12", "8 per leg", "30 s hold"
    tempo: str = ""
    rest: str = ""
    load: str = "Bodyweight"
    per_side: bool = False
    notes: str = ""


class Exercise(Model):
    id: Id
    name: Text
    summary: Text
    targets: list[Text] = Field(min_length=1)
    equipment: list[Text] = []
    position: Text
    steps: list[Text] = Field(min_length=1)
    cues: list[Text] = []
    mistakes: list[Text] = []
    safety: Text
    video: str | None = Field(default=None, pattern=r"^https?://\S+$")
    image: str | None = None  # relative to the exercise file's folder
    tags: list[Text] = []
    sources: list[Text] = []
    levels: list[Level] = Field(min_length=1)
    figure: Figure | None = None  # the picture, drawn from a pose (see content/figure.py)
    figure_levels: dict[int, Figure] = {}  # a level's own picture, from that level on

    @field_validator("levels")
    @classmethod
    def _levels_numbered_in_order(cls, levels: list[Level]) -> list[Level]:
        numbers = [lv.level for lv in levels]
        if numbers != list(range(1, len(levels) + 1)):
            raise ValueError(f"levels must be numbered 1, 2, 3… in order; found {numbers}")
        return levels

    @model_validator(mode="after")
    def _figure_levels_exist(self) -> Exercise:
        for number in self.figure_levels:
            if not 1 <= number <= len(self.levels):
                raise ValueError(
                    f"figure_levels.{number} level {number} does not exist; this exercise has "
                    f"{levels_text(len(self.levels))}"
                )
        return self

    def level(self, number: int) -> Level:
        return self.levels[number - 1]

    def figure_at(self, number: int) -> Figure | None:
        """The figure level ``number`` shows (a level's own, else the exercise's)."""
        return figure_for(self.figure, self.figure_levels, number)


class Source(Model):
    """A reference that content items cite by id in their ``sources`` list."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    title: Text
    author: str = ""
    year: int | None = None
    publisher: str = ""
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    doi: str | None = None
    note: str = ""


class Section(Model):
    """An education section: Markdown body with YAML front matter."""

    id: Id
    title: Text
    audience: list[Text] = []
    tags: list[Text] = []
    sources: list[Text] = []
    # "before-table": printed before the workout table, whose words it explains
    place: Literal["before-table", "with-sections"] = "with-sections"
    body: str = ""  # the Markdown after the front matter (not a front-matter key)
    body_line: int = 1  # line in the file where the body starts, for error messages


class Dosage(Model):
    """Dosage overrides a programme may apply on top of a level."""

    sets: int | None = Field(default=None, ge=1, le=20)
    reps: str | None = None
    tempo: str | None = None
    rest: str | None = None
    load: str | None = None
    notes: str | None = None


class PhaseExercise(Dosage):
    exercise: Id
    level: int = Field(default=1, ge=1, le=20)


class Phase(Model):
    weeks: tuple[int, int]
    title: str = ""
    exercises: list[PhaseExercise] = Field(min_length=1)

    @field_validator("weeks", mode="before")
    @classmethod
    def _parse_weeks(cls, value: object) -> object:
        """Accept ``3``, ``"1-2"`` or ``"1–2"`` as well as ``[1, 2]``."""
        if isinstance(value, int) and not isinstance(value, bool):
            return (value, value)
        if isinstance(value, str):
            match = WEEK_RANGE.match(value)
            if not match:
                raise ValueError('use a week or a week range such as "1-2"')
            first = int(match.group(1))
            return (first, int(match.group(2) or first))
        return value

    @field_validator("weeks")
    @classmethod
    def _ordered(cls, weeks: tuple[int, int]) -> tuple[int, int]:
        if weeks[0] < 1 or weeks[1] < weeks[0]:
            raise ValueError(
                f"week range {weeks[0]}-{weeks[1]} must start at 1 or later and not run backwards"
            )
        return weeks

    @property
    def label(self) -> str:
        first, last = self.weeks
        return f"Week {first}" if first == last else f"Weeks {first}–{last}"


class Tracking(Model):
    pain_rows: bool = True
    notes: bool = True
    per_side_rows: bool = True


class Parts(Model):
    """Which parts of the handout to print."""

    intro: bool = True
    table: bool = True
    cards: bool = True
    sections: bool = True
    tracking: bool = True
    sources: bool = True


DEFAULT_PAIN_RULE = (
    "During exercise, pain up to 5 out of 10 is OK. It should settle by the next morning "
    "and should not build up from one week to the next. If your pain goes above 5, has "
    "not settled by the morning or builds week by week, go back a level and tell your "
    "clinician."
)


def pain_rule_for(rule: str, clinician: str) -> str:
    """The pain rule as printed: the default one names the brand's word for the clinician
    (a coach's athletes are told to tell their coach); a programme's own rule is its own."""
    if rule != DEFAULT_PAIN_RULE or clinician == "clinician":
        return rule
    return DEFAULT_PAIN_RULE.removesuffix("clinician.") + f"{clinician}."


class Programme(Model):
    id: Id
    title: Text
    summary: Text
    audience: list[Text] = []
    weeks: int = Field(ge=1, le=52)
    sessions_per_week: int = Field(ge=1, le=14)  # the most per week: one grid column each
    min_sessions_per_week: int | None = Field(default=None, ge=1, le=14)
    intro: str = ""
    sections: list[Id] = []
    phases: list[Phase] = Field(min_length=1)
    tracking: Tracking = Tracking()
    parts: Parts = Parts()
    pain_rule: Text = DEFAULT_PAIN_RULE
    tags: list[Text] = []
    sources: list[Text] = []

    @model_validator(mode="after")
    def _phases_cover_weeks(self, info: ValidationInfo) -> Programme:
        # Each message starts with the field it is about: the loader points at its line.
        if info.context and info.context.get("salvage"):
            return self  # the loader's second pass, to check references as well
        expected = 1
        for phase in self.phases:
            first, last = phase.weeks
            if first != expected:
                raise ValueError(
                    f"phases must cover weeks 1–{self.weeks} in order without gaps or overlaps; "
                    f"{phase.label} should start at week {expected}"
                )
            expected = last + 1
        if expected - 1 != self.weeks:
            raise ValueError(
                f"phases end at week {expected - 1}, but the programme has {self.weeks} weeks"
            )
        if self.min_sessions_per_week and self.min_sessions_per_week > self.sessions_per_week:
            raise ValueError("min_sessions_per_week is larger than sessions_per_week")
        return self

    @property
    def sessions_label(self) -> str:
        low = self.min_sessions_per_week
        if low and low != self.sessions_per_week:
            return f"{low}–{self.sessions_per_week}"
        return str(self.sessions_per_week)


Role = Annotated[str, Field(pattern=r"^[^\W\d_][\w' -]{0,29}$")]  # "coach", "sports therapist"


class Roles(Model):
    """What a brand calls the two people a handout is between (a running club: coach, athlete)."""

    clinician: Role = "clinician"
    patient: Role = "patient"


class Brand(Model):
    name: Text
    logo: str | None = None  # PNG, JPEG or SVG, relative to the brand file
    primary: str = "#1F5F8B"
    accent: str = "#E07A2F"
    font: Text = "Atkinson Hyperlegible"
    contact: list[Text] = []
    website: str = ""
    disclaimer: Text = (
        "General guidance from your clinic, not a diagnosis. Stop and seek advice if you "
        "have sharp pain, swelling, or pain that builds from day to day."
    )
    paper: Literal["a4", "letter"] = "a4"
    roles: Roles = Roles()

    @field_validator("primary", "accent")
    @classmethod
    def _six_digit_hex(cls, value: str) -> str:
        # Only #RRGGBB: reportlab reads "#dde" as a blue, not the grey a user means.
        if not HEX_COLOUR.match(value):
            raise ValueError(f'colour {value!r} must be six-digit hex such as "#1F5F8B"')
        return value.upper()


class Patient(Model):
    name: str = ""
    clinician: str = ""
    start: dt.date | None = None
    note: str = ""

    @field_validator("name", "clinician")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())  # a tab or line break pasted into a name

    @property
    def first_name(self) -> str:
        """The first word of the name, for a greeting ("Hi Ann"); "" without a name."""
        return self.name.split()[0] if self.name else ""
