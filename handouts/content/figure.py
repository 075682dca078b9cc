"""The pose format: how an exercise file describes its picture.

A figure is a posed human outline drawn by ``handouts.render.figures``. The exercise
file names a base pose (``standing``, ``seated``…), overrides joint angles in degrees,
lists the props and says which body part rests on what. The engine solves the rest
(where the body stands, where the wall or bench goes) so nothing floats or sinks.

Plain data: nothing here knows about reportlab. Angles are checked against what a
human joint can do, so a typo such as ``knee: 400`` is a content error with its line.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from handouts.content.base import Model, Text

# Joint angles in degrees. Flexion is positive: knee 0 = straight, hip 90 = thigh
# level when upright, shoulder 90 = arm straight forward, ankle + = toes up (dorsiflexion).
# ``heel`` is how far the heel is lifted above the ball of the foot (negative: below it,
# as over a step edge); ``trunk`` is the forward lean from upright; ``head`` the nod.
Ankle = Annotated[float, Field(ge=-50, le=40)]
Knee = Annotated[float, Field(ge=0, le=150)]
Hip = Annotated[float, Field(ge=-40, le=140)]
Heel = Annotated[float, Field(ge=-35, le=70)]
Shoulder = Annotated[float, Field(ge=-60, le=180)]
Elbow = Annotated[float, Field(ge=0, le=150)]
Trunk = Annotated[float, Field(ge=-30, le=100)]
Head = Annotated[float, Field(ge=-45, le=60)]
Abduction = Annotated[float, Field(ge=-20, le=60)]
Tilt = Annotated[float, Field(ge=-20, le=20)]
Arch = Annotated[float, Field(ge=0, le=1)]

BASE_POSES = (
    "standing",
    "split-stance",
    "on-step",
    "single-leg",
    "seated",
    "long-sitting",
    "kneeling",
    "lying",
)
PROP_KINDS = (
    "wall",
    "step",
    "chair",
    "bench",
    "band",
    "dumbbell",
    "kettlebell",
    "mat",
    "towel",
    "foam-roller",
    "pool-noodle",
    "ball",
)
SURFACES = (
    "floor",
    "step",
    "step-edge",
    "wall",
    "chair",
    "bench",
    "mat",
    "pool-noodle",
    "foam-roller",
    "ball",
    "towel",
)
# Which surfaces each body part can rest on; anything else is a contact that cannot be met.
PART_SURFACES = {
    "feet": ("floor", "step", "step-edge", "pool-noodle", "mat", "towel", "ball"),
    "hands": ("wall", "floor", "chair", "bench", "step", "mat"),
    "seat": ("floor", "chair", "bench", "mat", "step"),
    "knees": ("floor", "mat"),
    "calf": ("foam-roller", "pool-noodle", "floor", "mat", "towel"),
    "back": ("floor", "mat", "bench"),
}
PARTS = {
    "near-foot": "feet",
    "far-foot": "feet",
    "feet": "feet",
    "near-hand": "hands",
    "far-hand": "hands",
    "hands": "hands",
    "seat": "seat",
    "near-knee": "knees",
    "far-knee": "knees",
    "knees": "knees",
    "near-calf": "calf",
    "far-calf": "calf",
    "back": "back",
}
# Surfaces that are props: the prop must be listed for a contact to rest on it.
PROP_SURFACES = {"step": "step", "step-edge": "step", "wall": "wall", "chair": "chair"}
PROP_SURFACES |= {name: name for name in ("bench", "mat", "pool-noodle", "foam-roller", "ball")}
PROP_SURFACES |= {"towel": "towel"}
HOLDERS = ("near-hand", "far-hand", "hands", "knees", "near-foot", "far-foot", "feet")
ARROW_POINTS = (
    "heel",
    "near-heel",
    "far-heel",
    "near-foot",
    "far-foot",
    "near-knee",
    "far-knee",
    "hips",
    "shoulders",
    "head",
    "near-hand",
    "far-hand",
    "hands",
    "arch",
)


class SideAngles(Model):
    """Angles for one side (near = the side facing the reader, far = the other)."""

    hip: Hip | None = None
    knee: Knee | None = None
    ankle: Ankle | None = None
    heel: Heel | None = None
    shoulder: Shoulder | None = None
    elbow: Elbow | None = None
    abduction: Abduction | None = None  # front view: leg or arm out to the side


def check_contacts(contacts: dict[str, str]) -> dict[str, str]:
    """Known body parts on surfaces they can rest on (``none``: not touching anything)."""
    for part, surface in contacts.items():
        if part not in PARTS:
            raise ValueError(f"unknown body part {part!r}; use one of {', '.join(PARTS)}")
        if surface == "none":
            continue
        if surface not in SURFACES:
            raise ValueError(
                f"{part} rests on unknown surface {surface!r}; use one of {', '.join(SURFACES)}"
            )
        allowed = PART_SURFACES[PARTS[part]]
        if surface not in allowed:
            raise ValueError(
                f"{part} cannot rest on a {surface}; it can rest on {', '.join(allowed)}"
            )
    return contacts


class Pose(SideAngles):
    """A base pose and the joint angles that differ from it (both sides, then per side)."""

    base: Literal[BASE_POSES] = "standing"  # type: ignore[valid-type]
    contacts: dict[str, str] = {}  # this pose's own contacts, over the figure's
    trunk: Trunk | None = None
    head: Head | None = None
    tilt: Tilt | None = None  # front view: pelvis hike, near side up (+) or down (−)
    arch: Arch | None = None  # foot view: 0 = flat arch, 1 = fully lifted (short foot)
    weight: Literal["near", "far", "both"] = "both"  # which foot carries the body
    near: SideAngles = SideAngles()
    far: SideAngles = SideAngles()

    _contacts_known = field_validator("contacts")(classmethod(lambda cls, v: check_contacts(v)))

    def side(self, which: str) -> dict[str, float]:
        """The angles set for ``which`` side: the per-side value, else the both-sides one."""
        own = getattr(self, which)
        names = SideAngles.model_fields
        both = {name: getattr(self, name) for name in names}
        values = {name: getattr(own, name) for name in names}
        return {
            name: values[name] if values[name] is not None else both[name]
            for name in names
            if values[name] is not None or both[name] is not None
        }


class Prop(Model):
    """A prop in the picture. Written as a name (``wall``) or a mapping with options."""

    kind: Literal[PROP_KINDS]  # type: ignore[valid-type]
    held: Literal[HOLDERS] | None = None  # type: ignore[valid-type]  # dumbbell or kettlebell
    around: Literal["near-foot", "far-foot", "feet", "hands"] | None = None  # band
    anchor: Literal["hands", "post", "floor", "step"] | None = None  # band's other end
    colour: Literal["light", "medium", "firm"] | None = None  # band strength, shown as shade

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: object) -> object:
        return {"kind": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _options_fit(self) -> Prop:
        if self.held and self.kind not in ("dumbbell", "kettlebell", "ball"):
            raise ValueError(
                f"held only applies to a dumbbell, kettlebell or ball, not a {self.kind}"
            )
        if (self.around or self.anchor) and self.kind != "band":
            raise ValueError(f"around and anchor only apply to a band, not a {self.kind}")
        return self


class Arrow(Model):
    """A curved arrow at a body point: from the start pose to the end pose, or explicit."""

    at: Literal[ARROW_POINTS]  # type: ignore[valid-type]
    direction: Literal["up", "down", "forward", "back", "out", "in", "along"] | None = None


class Figure(Model):
    """The picture of an exercise: one pose (a hold) or a start and an end pose."""

    view: Literal["side", "front", "foot"] = "side"
    pose: Pose | None = None
    start: Pose | None = None
    end: Pose | None = None
    props: list[Prop] = []
    contacts: dict[str, str] = Field(default={}, validate_default=True)
    arrows: list[Arrow] = []
    panels: Literal["auto", "one", "two"] = "auto"
    # Directions a free foot reaches in, drawn as a small view from above beside the figure.
    reach: list[Literal["forward", "side", "back", "across"]] = []
    caption: str = ""
    alt: Text  # one sentence for readers who cannot see the picture

    @field_validator("contacts")
    @classmethod
    def _contacts_met(cls, contacts: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        """Known parts on surfaces they can rest on, and each surface that is a prop listed."""
        check_contacts(contacts)
        if "props" not in info.data:  # the props have their own problem; say that one only
            return contacts
        kinds = {prop.kind for prop in info.data["props"]}
        poses = [info.data.get(name) for name in ("pose", "start", "end")]
        every = [contacts] + [pose.contacts for pose in poses if pose is not None]
        for part, surface in (item for each in every for item in each.items()):
            needed = PROP_SURFACES.get(surface)
            if needed and needed not in kinds:
                raise ValueError(f"{part} rests on a {surface}, but props has no {needed}; add it")
        return contacts

    @model_validator(mode="after")
    def _one_picture(self) -> Figure:
        if self.pose is None and (self.start is None or self.end is None):
            raise ValueError("give either pose (one picture) or both start and end")
        if self.pose is not None and (self.start or self.end):
            raise ValueError("give either pose (one picture) or start and end, not both")
        return self

    @property
    def poses(self) -> tuple[Pose, ...]:
        """The poses to draw, start first."""
        return (self.pose,) if self.pose else (self.start, self.end)


def figure_for(figure: Figure | None, by_level: dict[int, Figure], level: int) -> Figure | None:
    """The figure a level shows: the last one set at or below it, else the exercise's."""
    chosen = figure
    for number in sorted(by_level):
        if number <= level:
            chosen = by_level[number]
    return chosen
