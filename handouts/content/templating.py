"""Sandboxed jinja2 rendering shared by the handout intro and e-mail messages.

Templates are clinic-editable text, so they run in jinja2's sandbox with bounds on
memory and time (``handouts.content.sandbox``), and an
undefined variable is an error naming the file and line rather than a silent
blank in a patient's letter. ``*.html.j2`` templates are autoescaped.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError


class TemplateError(HandoutsError):
    """A template that cannot be rendered; names the file and line."""

    def __init__(self, where: str, line: int, message: str) -> None:
        self.where = (where, line, message)
        place = f"{where}:{line}" if line else where
        super().__init__(f"{place}: {message}" if message else place)


def _plain(message: str, names: Sequence[str] = ()) -> str:
    """jinja2's words for a misspelt name, in a clinic's words."""
    if message.startswith("maximum recursion depth exceeded"):
        return "a macro calls itself without end; give it a way to stop"
    if match := re.search(r"has no attribute '([^']+)'", message):
        return f'no field "{match[1]}" here; check its spelling'
    if match := re.fullmatch(r"'([^']+)' is undefined", message):
        known = f" (the template sees {', '.join(sorted(names))})" if names else ""
        return f'no variable "{match[1]}" here; check its spelling{known}'
    return message


def _shown(path: str) -> str:
    """A template's path as the content messages show theirs: from the working folder."""
    from handouts.content.files import display_path  # only on an error: no yaml import

    return display_path(Path(path))


@cache
def _environment(folders: tuple[Path, ...]):  # noqa: ANN202 - jinja2 SandboxedEnvironment
    """One environment per folder list: it keeps compiled templates for the next handout."""
    from jinja2 import FileSystemLoader, StrictUndefined

    from handouts.content.sandbox import BoundedSandbox

    return BoundedSandbox(
        loader=FileSystemLoader([str(folder) for folder in folders]),
        undefined=StrictUndefined,
        autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(folders: Sequence[Path], name: str, context: Mapping[str, Any]) -> str:
    """Render ``name`` from the first of ``folders`` holding it (clinic folders first)."""
    from jinja2 import TemplateNotFound, TemplateSyntaxError

    folders = list(folders)
    environment = _environment(tuple(folders))
    try:
        return environment.render(environment.get_template(name), dict(context))
    except TemplateNotFound as exc:
        places = ", ".join(str(folder) for folder in folders)
        raise TemplateError(f"template {exc.name} not found in {places}", 0, "") from None
    except UnicodeDecodeError as exc:  # jinja2 reads templates as UTF-8
        path = next((str(f / name) for f in folders if (f / name).is_file()), name)
        line = exc.object[: exc.start].count(b"\n") + 1
        raise TemplateError(_shown(path), line, "not UTF-8 text; save the file as UTF-8") from None
    except TemplateSyntaxError as exc:
        raise TemplateError(_shown(exc.filename or name), exc.lineno, exc.message or "") from None
    except Exception as exc:  # a template is user code: any failure is the user's to fix
        where, line = _where(exc, name, folders)
        raise TemplateError(_shown(where), line, _plain(str(exc), list(context))) from None


def _where(exc: Exception, name: str, folders: list[Path]) -> tuple[str, int]:
    """File and line of the template frame that failed (jinja maps frames to template lines)."""
    roots = [folder.resolve() for folder in folders]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if any(root in path.parents for root in roots):
            return frame.filename, frame.lineno or 0
    return next((str(f / name) for f in folders if (f / name).is_file()), name), 0
