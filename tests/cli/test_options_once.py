"""Each option is declared once: the handout options in ``handouts.options``, ``--content``
in ``cli/options.py``; a command never spells one out again by hand."""

from __future__ import annotations

import ast
from pathlib import Path

import click

import handouts.cli
from handouts.cli import main
from handouts.options import OPTIONS

CLI = Path(handouts.cli.__file__).parent


def _declared_by_hand() -> dict[str, list[str]]:
    """Each flag a ``click.option(...)`` call in the CLI's modules spells out, and where."""
    found: dict[str, list[str]] = {}
    for path in sorted(CLI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "option":
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and str(arg.value).startswith("--"):
                        found.setdefault(arg.value, []).append(f"{path.name}:{node.lineno}")
    return found


def test_no_handout_option_and_no_content_option_is_declared_by_hand() -> None:
    by_hand = _declared_by_hand()
    shared = {"--" + spec.name.replace("_", "-") for spec in OPTIONS}
    assert {flag: by_hand[flag] for flag in shared & by_hand.keys()} == {}
    assert [where.split(":")[0] for where in by_hand["--content"]] == ["options.py"]


def test_send_takes_the_brand_as_build_does() -> None:
    def param(command: click.Command, name: str) -> click.Parameter:
        return next(p for p in command.params if p.name == name)

    build, send = (param(main.commands[c], "brand") for c in ("build", "send"))
    assert (send.opts, send.metavar, type(send.type)) == (
        build.opts,
        build.metavar,
        type(build.type),
    )
    assert "the clinic's name and contact" in (send.help or "")


def test_serve_listens_where_the_web_page_says_by_default() -> None:
    from handouts import web

    serve = main.commands["serve"]
    defaults = {p.name: p.default for p in serve.params}
    assert (defaults["host"], defaults["port"]) == (web.DEFAULT_HOST, web.DEFAULT_PORT)
