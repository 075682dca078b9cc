"""The loaded content: every item by kind and id, and the file each came from.

``handouts.content.loader`` fills a ``Library``; everything after it (compose, render,
the front ends) reads one. Nothing here imports pydantic or yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.content.files import resolve
from handouts.errors import Problem
from handouts.wording import KINDS, kind_name

if TYPE_CHECKING:
    from handouts.content.models import Brand, Exercise, Programme, Section, Source

ItemKey = tuple[str, str]  # (kind, id)


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
        return resolve(self.origin("exercises", exercise_id).parent, image) if image else None

    def logo_path(self, brand_id: str) -> Path | None:
        logo = self.brands[brand_id].logo
        return resolve(self.origin("brands", brand_id).parent, logo) if logo else None
