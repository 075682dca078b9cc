"""Reading one content file, and keeping file references inside their content folder.

A YAML file becomes a ``YamlDoc`` (data plus the line of every field); a section's
Markdown file becomes its front matter plus its body. A path that a file names (an
image, a logo) must stay inside the content folder, links followed.
"""

from __future__ import annotations

import os
from pathlib import Path

from handouts.content.yamlsrc import FieldPath, YamlDoc, parse_yaml, read_utf8
from handouts.errors import Problem

YAML_SUFFIXES = (".yaml", ".yml")


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when inside it, else absolute."""
    full = absolute(path)
    try:
        return full.relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(full)


OUTSIDE_LINK = (
    "a link to a file outside the content folder, which handouts does not read;"
    " copy the file into the folder instead"
)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, its links followed, is ``root`` or within it."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def list_files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in suffixes and not p.name.startswith(".") and p.is_file()
    )


def parse_file(path: Path, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    text, problems = read_utf8(path, display)
    if text is None:
        return None, problems
    return parse_yaml(text, display)


def parse_section(path: Path, display: str) -> tuple[YamlDoc | None, list[Problem], dict]:
    """Front matter as a YamlDoc, plus ``body``/``body_line`` for the model."""
    text, problems = read_utf8(path, display)
    if text is None:
        return None, problems, {}
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        message = "must start with a '---' line (YAML front matter)"
        return None, [Problem(display, 1, "", message)], {}
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, [Problem(display, 1, "", "front matter has no closing '---' line")], {}
    doc, problems = parse_yaml("\n".join(lines[1:end]), display, first_line=2)
    body_lines = lines[end + 1 :]
    blank = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    extra = {"body": "\n".join(body_lines[blank:]), "body_line": end + 2 + blank}
    if doc and isinstance(doc.data, dict):
        for key in ("body", "body_line"):
            if key in doc.data:
                message = "unknown field (the Markdown after the front matter is the body)"
                problems.append(Problem(display, doc.line((key,)), key, message))
                doc.data.pop(key)
    return doc, problems, extra


def file_problems(
    doc: YamlDoc, display: str, where: FieldPath, target: Path, root: Path | None
) -> list[Problem]:
    name = where[-1]
    line = doc.line(where)
    if root is not None and not target.is_relative_to(root.resolve()):
        return [Problem(display, line, str(name), _OUTSIDE)]
    if not target.is_file():
        message = f"file not found: {display_path(target)}; {_FROM_HERE}"
        return [Problem(display, line, str(name), message)]
    return []


_FROM_HERE = "give its path from this file's folder"
_OUTSIDE = f"file is outside the content folder; copy it in and {_FROM_HERE}"


def resolve(base: Path, relative: str) -> Path:
    return (base / relative).resolve()


def absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))
