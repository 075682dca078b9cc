"""Sandboxed jinja2 rendering shared by the handout intro and e-mail messages.

Templates are clinic-editable text, so they run in jinja2's sandbox, and an
undefined variable is an error rather than a silent blank in a patient's letter.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from handouts.errors import HandoutsError


class TemplateError(HandoutsError):
    """A template that cannot be rendered; names the file and line."""


def render_template(
    dirs: list[Path], name: str, context: dict[str, Any], *, autoescape: bool = False
) -> str:
    """Render ``name`` from the first of ``dirs`` holding it."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment, SecurityError

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=False,
    )
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound:
        raise TemplateError(f"template {name} not found in {', '.join(map(str, dirs))}") from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"{error.filename or name}:{error.lineno}: {error.message}") from None
    except (jinja2.UndefinedError, SecurityError) as error:
        raise TemplateError(f"{_template_path(env, name)}:{_error_line(error)}: {error}") from None


def _template_path(env: Any, name: str) -> str:
    try:
        return env.get_template(name).filename or name
    except Exception:  # noqa: BLE001 - only used to improve a message
        return name


def _error_line(error: BaseException) -> int:
    """The template line an exception was raised from (jinja2 maps frames to lines)."""
    tb = error.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_globals.get("__jinja_template__") is not None:
            line = tb.tb_frame.f_globals["__jinja_template__"].get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line
