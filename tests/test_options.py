"""Each handout option is declared once (handouts.options) and offered by build and batch."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from handouts.cli.app import main
from handouts.compose import Options
from handouts.options import OPTIONS, HandoutOptions


def flags(command: str) -> dict[str, click.Option]:
    options = main.commands[command].params
    return {
        opt: param for param in options if isinstance(param, click.Option) for opt in param.opts
    }


@pytest.mark.parametrize("command", ["build", "batch"])
def test_every_handout_option_is_a_flag_of_build_and_batch(command: str) -> None:
    offered = flags(command)
    for option in OPTIONS:
        flag = "--" + option.name.replace("_", "-")
        assert flag in offered, flag
        assert offered[flag].help == (
            option.batch_help or option.help if command == "batch" else option.help
        )
        assert offered[flag].name == option.name


def test_defaults_make_a_plain_handout() -> None:
    options = HandoutOptions()
    assert options.render_options() == Options(paper="")
    assert not options.post_steps
    assert HandoutOptions(private=True).post_steps  # the name is scrubbed from the metadata
    assert HandoutOptions(large_print=True, paper="letter").render_options() == Options(
        paper="letter", large_print=True
    )


def test_build_help_lists_each_option_once() -> None:
    text = CliRunner().invoke(main, ["build", "--help"]).output
    for option in OPTIONS:
        assert text.count("--" + option.name.replace("_", "-") + " ") == 1, option.name
