"""The workspace settings: ``handouts.yaml`` in the folder a command runs in.

It lists the clinic's content folders, its brand, its SMTP settings and how its rosters
write dates. ``handouts.content.discover`` says which file a run uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import field_validator

from handouts import paths
from handouts.content.discover import WORKSPACE_FILE
from handouts.content.files import YAML_SUFFIXES, absolute, display_path, inside, parse_file
from handouts.content.messages import validate
from handouts.content.models import ID_PATTERN, Model, Text
from handouts.errors import ContentError, Problem


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


def _workspace_brand(base: Path, brand: str, content: Sequence[Path]) -> tuple[Path | None, str]:
    """``brand:`` as a brand id, or as a YAML file inside the workspace: this file's folder
    or a content folder it lists (links followed). Else None and why, in the words of the
    setting: never a word of the file, which may be anything (/etc/passwd)."""
    path = absolute(base / Path(brand).expanduser())
    if re.match(ID_PATTERN, brand) and not path.is_file():
        for folder in [*reversed(content), paths.builtin_content_dir()]:  # the last one wins
            for suffix in YAML_SUFFIXES:
                if (found := folder / "brands" / f"{brand}{suffix}").is_file():
                    return absolute(found), ""
    shown = display_path(path)
    if not path.is_file():
        return None, (
            f"file not found: {shown}; give the brand file's path from this file, "
            "such as brands/clinic.yaml, or a brand id"
        )
    if not any(inside(path, root) for root in (base, *content)):
        return None, (
            f"{shown} is outside the workspace (this file's folder and its content folders); "
            "copy the brand file into it, such as brands/clinic.yaml, or give a brand id"
        )
    if path.suffix.lower() not in YAML_SUFFIXES:
        return None, f"{shown} is not a brand file: give a .yaml file, or a brand id"
    return path, ""


def brand_file_allowed(path: Path, root: Path) -> bool:
    """A brand named by a file: a YAML file inside ``root`` (links followed). A roster's brand
    column or handouts.yaml naming /etc/passwd read it, and its first line was echoed."""
    return path.suffix.lower() in YAML_SUFFIXES and inside(path, root)


def load_workspace(cwd: Path, file: Path | None = None) -> Workspace:
    """Read ``file`` (default ``cwd/handouts.yaml``) if it exists, or raise ``ContentError``.

    ``handouts.content.discover`` says which file a run uses.
    """
    file = absolute(Path(file) if file else Path(cwd) / WORKSPACE_FILE)
    if not file.is_file():
        return Workspace()
    display = display_path(file)
    doc, problems = parse_file(file, display)
    if doc is not None and doc.data is None:
        return Workspace(file=file)
    settings = validate(_WorkspaceFile, doc, display, problems) if doc else None
    if settings is None:
        raise ContentError(problems)
    base = file.parent
    content = tuple(absolute(base / folder) for folder in settings.content)
    for index, folder in enumerate(content):
        if not folder.is_dir():
            message = f"folder not found: {display_path(folder)}"
            line = doc.line(("content", index))
            problems.append(Problem(display, line, f"content[{index}]", message))
    brand, why = _workspace_brand(base, settings.brand, content) if settings.brand else (None, "")
    if why:
        problems.append(Problem(display, doc.line(("brand",)), "brand", why))
    if problems:
        raise ContentError(problems)
    return Workspace(
        file=file,
        content=content,
        brand=brand,
        smtp=dict(settings.smtp),
        date_format=settings.date_format,
    )
