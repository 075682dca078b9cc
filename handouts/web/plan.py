"""The build page's plan: what the form holds, parsed from and written back to form fields.

A plan is plain data (no engine types), so the page keeps the whole state in the
form itself: the server stores nothing about a patient between requests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from handouts.options import PAPER_NAMES

DOSE_FIELDS = ("sets", "reps", "tempo", "rest", "load", "notes")
MAX_BLOCKS = 12
MAX_ROWS = 40  # exercises in one block of weeks
_ROW_KEY = re.compile(r"^b(\d+)\.r(\d+)\.exercise$")


class PlanError(ValueError):
    """A form value the page cannot use; its text is shown on the page."""


@dataclass
class Row:
    """One exercise in one block of weeks; empty dose fields keep the level's own dose."""

    exercise: str
    level: int = 1
    sets: str = ""
    reps: str = ""
    tempo: str = ""
    rest: str = ""
    load: str = ""
    notes: str = ""

    def overrides(self) -> dict[str, str]:
        return {name: value for name in DOSE_FIELDS if (value := getattr(self, name))}


@dataclass
class Block:
    """A block of weeks (a programme's phase)."""

    first: int
    last: int
    title: str = ""
    rows: list[Row] = field(default_factory=list)

    @property
    def label(self) -> str:
        return (
            f"Week {self.first}" if self.first == self.last else f"Weeks {self.first}–{self.last}"
        )


@dataclass
class Plan:
    base: str = ""  # the programme it started from; "" for a blank plan
    blocks: list[Block] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    weeks: int | None = None  # None: the programme's own length
    sessions: int | None = None  # None: the programme's own sessions a week

    @property
    def exercise_ids(self) -> list[str]:
        return list(dict.fromkeys(row.exercise for block in self.blocks for row in block.rows))


@dataclass
class PatientFields:
    name: str = ""
    clinician: str = ""
    start: dt.date | None = None
    note: str = ""
    email: str = ""


@dataclass
class PageOptions:
    paper: str = ""  # "" means the brand's paper
    large_print: bool = False
    fillable: bool = False
    ink_saver: bool = False
    private: bool = False
    booklet: bool = False
    date: dt.date | None = None  # the date printed on the handout; None means today

    def handout_options(self, **more: Any) -> Any:
        """These choices as the API's ``HandoutOptions``, the CLI's one definition of them.

        ``more``: the options the page sets elsewhere (``weeks``, ``sessions``, ``brand``).
        The handout date travels as ``HandoutRequest.date``, already read.
        """
        from handouts.options import HandoutOptions

        return HandoutOptions(
            paper=self.paper,
            large_print=self.large_print,
            ink_saver=self.ink_saver,
            fillable=self.fillable,
            private=self.private,
            booklet=self.booklet,
            **more,
        )


def _int(form: Mapping[str, str], key: str, default: int | None, low: int, high: int) -> int | None:
    value = (form.get(key) or "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise PlanError(f"{_field_name(form, key)}: give a whole number from {low} to {high}")
    return int(value)


_BOX_KEY = re.compile(r"^b(\d+)\.(?:r(\d+)\.)?(\w+)$")
_BOX_NAMES = {"sets": "Sets", "reps": "Reps", "tempo": "Tempo", "rest": "Rest", "load": "Load"}
_BOX_NAMES |= {"notes": "Note", "level": "Level", "exercise": "Exercise", "title": "Heading"}
_BOX_NAMES |= {"first": "First week", "last": "Ends after week"}


def _field_name(form: Mapping[str, str], key: str) -> str:
    """A box as the page labels it: "Length in weeks", or "Block 1, toe-walks, Reps"."""
    match = _BOX_KEY.match(key)
    if not match:
        return _FIELD_NAMES.get(key, key)
    block, row, box = match.groups()
    first, last = (str(form.get(f"b{block}.{end}") or "").strip() for end in ("first", "last"))
    if first.isdigit() and last.isdigit() and len(first + last) < 5:
        where = f"Week {first}" if first == last else f"Weeks {first}–{last}"
    else:
        where = f"Block {int(block) + 1}"
    if row is not None:
        exercise = (form.get(f"b{block}.r{row}.exercise") or "").strip()[:80]
        where += f", {exercise or f'exercise {int(row) + 1}'}"
    return f"{where}, {_BOX_NAMES.get(box, box)}"


def _date(form: Mapping[str, str], key: str) -> dt.date | None:
    value = (form.get(key) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PlanError(
            f"{_FIELD_NAMES.get(key, key)}: use a date like 2026-11-21 (YYYY-MM-DD)"
        ) from None


_FIELD_NAMES = {
    "weeks": "Length in weeks",
    "sessions": "Sessions a week",
    "start_date": "Start date",
    "date": "Handout date",
    "patient": "Patient's name",
    "clinician": "Clinician",
    "note": "A note for page one",
    "email": "Patient's e-mail",
    "base": "Programme",
}


def _text(form: Mapping[str, str], key: str, limit: int = 500) -> str:
    value = (form.get(key) or "").strip()
    if len(value) > limit:
        raise PlanError(f"{_field_name(form, key)}: at most {limit} characters")
    return value


def plan_from_form(form: Mapping[str, str], sections: list[str]) -> Plan:
    """Read the plan's fields (``b0.first``, ``b0.r1.exercise``, ``b0.r1.level``…)."""
    blocks: dict[int, Block] = {}
    rows: dict[tuple[int, int], Row] = {}
    for key in form:
        match = _ROW_KEY.match(key)
        if not match:
            continue
        b, r = int(match[1]), int(match[2])
        if b >= MAX_BLOCKS or r >= MAX_ROWS:
            raise PlanError(f"at most {MAX_BLOCKS} blocks of weeks of {MAX_ROWS} exercises each")
        prefix = f"b{b}.r{r}."
        row = Row(
            exercise=_text(form, prefix + "exercise", 80),
            level=_int(form, prefix + "level", 1, 1, 20) or 1,
            **{name: _text(form, prefix + name, 200) for name in DOSE_FIELDS},
        )
        rows[(b, r)] = row
    indexes = {int(k[1 : k.index(".")]) for k in form if re.match(r"^b\d+\.last$", k)}
    for b in sorted(indexes):
        if b >= MAX_BLOCKS:
            raise PlanError(f"at most {MAX_BLOCKS} blocks of weeks")
        first = _int(form, f"b{b}.first", 1, 1, 52) or 1
        last = _int(form, f"b{b}.last", first, 1, 52) or first
        blocks[b] = Block(first, last, _text(form, f"b{b}.title", 120))
    for (b, _r), row in sorted(rows.items()):
        if b in blocks:
            blocks[b].rows.append(row)
    return Plan(
        base=_text(form, "base", 80),
        blocks=[blocks[b] for b in sorted(blocks)],
        sections=[s for s in dict.fromkeys(sections) if s],
        weeks=_int(form, "weeks", None, 1, 52),
        sessions=_int(form, "sessions", None, 1, 14),
    )


def patient_from_form(form: Mapping[str, str]) -> PatientFields:
    return PatientFields(
        name=_text(form, "patient", 120),
        clinician=_text(form, "clinician", 120),
        start=_date(form, "start_date"),
        note=_text(form, "note", 600),
        email=_text(form, "email", 254),
    )


def options_from_form(form: Mapping[str, str]) -> PageOptions:
    paper = form.get("paper") or ""
    if paper and paper not in PAPER_NAMES:
        raise PlanError("Paper: choose " + ", ".join(PAPER_NAMES.values()))
    return PageOptions(
        paper=paper,
        large_print=bool(form.get("large_print")),
        fillable=bool(form.get("fillable")),
        ink_saver=bool(form.get("ink_saver")),
        private=bool(form.get("private")),
        booklet=bool(form.get("booklet")),
        date=_date(form, "date"),
    )


# --------------------------------------------------------------------------- editing


def apply_action(plan: Plan, action: str) -> str:
    """Change the plan as a button asked (``add:ID``, ``up:0:2``…); returns what happened."""
    verb, _, rest = action.partition(":")
    args = rest.split(":") if rest else []
    try:
        numbers = (
            [int(a) for a in args] if verb not in ("add", "add-section", "drop-section") else []
        )
    except ValueError:
        raise PlanError("that button is out of date; reload the page") from None
    try:
        return _ACTIONS[verb](plan, args, numbers)
    except (KeyError, IndexError):
        raise PlanError("that button is out of date; reload the page") from None


def _add(plan: Plan, args: list[str], _n: list[int]) -> str:
    exercise = args[0]
    if exercise in plan.exercise_ids:
        return f"{exercise} is in the plan already"
    if not plan.blocks:
        plan.blocks.append(Block(1, plan.weeks or 6))
    for block in plan.blocks:  # a new exercise joins every block, as --exercise does
        block.rows.append(Row(exercise))
    return "Exercise added"


def _remove(plan: Plan, _a: list[str], n: list[int]) -> str:
    del plan.blocks[n[0]].rows[n[1]]
    return "Exercise removed"


def _move(step: int):  # noqa: ANN202
    def move(plan: Plan, _a: list[str], n: list[int]) -> str:
        rows = plan.blocks[n[0]].rows
        other = n[1] + step
        if 0 <= other < len(rows):
            rows[n[1]], rows[other] = rows[other], rows[n[1]]
        return "Exercise moved"

    return move


def _split(plan: Plan, _a: list[str], n: list[int]) -> str:
    block = plan.blocks[n[0]]
    if block.first == block.last:
        return "a one-week block cannot be split"
    if len(plan.blocks) >= MAX_BLOCKS:
        return f"at most {MAX_BLOCKS} blocks of weeks"
    middle = (block.first + block.last - 1) // 2
    copy = Block(middle + 1, block.last, block.title, [Row(**vars(r)) for r in block.rows])
    block.last = middle
    plan.blocks.insert(n[0] + 1, copy)
    return "Block split"


def _join(plan: Plan, _a: list[str], n: list[int]) -> str:
    block, after = plan.blocks[n[0]], plan.blocks[n[0] + 1]
    block.last = after.last
    del plan.blocks[n[0] + 1]
    return "Blocks joined"


def _add_section(plan: Plan, args: list[str], _n: list[int]) -> str:
    if args[0] not in plan.sections:
        plan.sections.append(args[0])
    return "Section added"


def _drop_section(plan: Plan, args: list[str], _n: list[int]) -> str:
    plan.sections = [s for s in plan.sections if s != args[0]]
    return "Section removed"


_ACTIONS = {
    "add": _add,
    "remove": _remove,
    "up": _move(-1),
    "down": _move(1),
    "split": _split,
    "join": _join,
    "add-section": _add_section,
    "drop-section": _drop_section,
}


def plan_fields(plan: Plan) -> dict[str, str | list[str]]:
    """The form fields that hold ``plan`` (what the page's inputs submit)."""
    fields: dict[str, str | list[str]] = {"base": plan.base, "section": list(plan.sections)}
    if plan.weeks:
        fields["weeks"] = str(plan.weeks)
    if plan.sessions:
        fields["sessions"] = str(plan.sessions)
    for b, block in enumerate(plan.blocks):
        fields |= {f"b{b}.first": str(block.first), f"b{b}.last": str(block.last)}
        fields[f"b{b}.title"] = block.title
        for r, row in enumerate(block.rows):
            prefix = f"b{b}.r{r}."
            fields |= {prefix + "exercise": row.exercise, prefix + "level": str(row.level)}
            fields |= {prefix + name: getattr(row, name) for name in DOSE_FIELDS}
    return fields
