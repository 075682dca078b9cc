"""Click option types, and the click options made from ``handouts.options``: each handout
option declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from handouts.errors import HandoutsError, UsageProblem
from handouts.options import OPTIONS, HandoutOptions, Option

if TYPE_CHECKING:
    from pathlib import Path

    from handouts.session import Session


class PathType(click.Path):
    """A ``click.Path`` whose values are ``pathlib.Path`` objects.

    ``click.Path(path_type=Path)`` needs pathlib where the options are declared, so
    every ``handouts --help`` would import it; this imports it for the first value.
    """

    def convert(self, value, param, ctx):  # noqa: ANN001, ANN201 - click's signature
        from pathlib import Path

        return Path(super().convert(value, param, ctx))


FILE_PATH = PathType(dir_okay=False)  # an input or output file, never a folder
INPUT_FILE = PathType(exists=True, dir_okay=False)  # a missing one is a usage error (exit 2)


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
        kwargs.update(type=INPUT_FILE, multiple=True)
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


def check_brand_option(session: Session, brand: Path | None, lenient: bool = True) -> None:
    """``--brand`` names a file or a library brand id; anything else is a usage error.

    A brand in handouts.yaml is the workspace's content: its problems stay exit 1.
    """
    if brand is None or brand.exists():
        return
    library = session.builder(lenient=lenient).library
    if str(brand) not in library.brands:
        raise UsageProblem(
            f"--brand {brand}: no such file or brand id; give a brand YAML file or an id "
            "from `handouts list brands`"
        )


def address_option(address: str, flag: str = "--to") -> str:
    """An e-mail address given as an option value: one plausible address, or exit 2."""
    from handouts.deliver.mail_message import check_address

    try:
        return check_address(address, flag)
    except HandoutsError as error:
        raise UsageProblem(error.message) from None
