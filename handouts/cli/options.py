"""Click option types, and the click options made from ``handouts.options``: each handout
option declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from handouts.options import OPTIONS, HandoutOptions, Option


class PathType(click.Path):
    """A ``click.Path`` whose values are ``pathlib.Path`` objects.

    ``click.Path(path_type=Path)`` needs pathlib where the options are declared, so
    every ``handouts --help`` would import it; this imports it for the first value.
    """

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        from pathlib import Path

        return Path(super().convert(value, param, ctx))


FILE_PATH = PathType(dir_okay=False)  # an input or output file, never a folder


def not_empty(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An empty option value is a script's unset variable, never what the user meant."""
    if value is not None and not value.strip():
        raise click.BadParameter("is empty; give a value, or leave the option out")
    return value


def _click_option(spec: Option, command: str) -> Callable:
    """The click option for one handout option."""
    flag = "--" + spec.name.replace("_", "-")
    kwargs: dict[str, Any] = {"help": spec.batch_help or spec.help}
    if command != "batch":
        kwargs["help"] = spec.help
    if spec.metavar:
        kwargs["metavar"] = spec.metavar
    kind = spec.kind
    if kind == "flag":
        kwargs["is_flag"] = True
    elif kind == "int":
        kwargs["type"] = click.IntRange(*spec.limits)
    elif kind == "choice":
        kwargs["type"] = click.Choice(list(spec.choices))
    elif kind == "file":
        kwargs["type"] = FILE_PATH
    elif kind == "files":
        kwargs.update(type=FILE_PATH, multiple=True)
    elif kind == "secret":
        kwargs["callback"] = not_empty  # "" would be "no encryption": refused instead
    # click checks a default against the type: "" is no paper size, so no default is given
    default = spec.default if kind in ("flag", "files") else (spec.default or None)
    return click.option(flag, spec.name, default=default, **kwargs)


def handout_options(command: str) -> Callable[[Callable], Callable]:
    """Add every handout option to ``command`` ("build" or "batch"), in declared order."""

    def decorate(function: Callable) -> Callable:
        for spec in reversed(OPTIONS):
            function = _click_option(spec, command)(function)
        return function

    return decorate


def handout_option(name: str, help: str = "") -> Callable[[Callable], Callable]:
    """One handout option on another command (``send --brand``), with help said for it."""
    spec = next(spec for spec in OPTIONS if spec.name == name)
    return _click_option(spec._replace(help=help or spec.help), "")


def content_option(help: str) -> Callable[[Callable], Callable]:
    """``--content DIR`` (repeatable) as ``content_dirs``: each command says what it does."""
    return click.option(
        "--content",
        "content_dirs",
        multiple=True,
        type=PathType(exists=True, file_okay=False),
        metavar="DIR",
        help=help,
    )


def take_options(values: dict[str, Any]) -> HandoutOptions:
    """The handout options among a command's parameters (removed from ``values``)."""
    given = {spec.name: values.pop(spec.name) for spec in OPTIONS}
    if given["paper"] is None:
        given["paper"] = ""
    return HandoutOptions(**given)
