"""``handouts build`` writes what the Builder API builds; a bad character is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from handout_pdf import PATIENT, Built, build

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection


@pytest.fixture(scope="module")
def default(builder: Builder) -> Built:
    """The default handout built through the API, as the command should build it."""
    return build(builder, Selection(DEFAULT_PROGRAMME))


def test_cli_build_writes_the_same_pdf(
    default: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.cli.app import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUTS_NO_BUILTIN", raising=False)
    args = ["build", "--date", "2026-03-01", "--patient", "Alex Morgan", "--clinician"]
    args += ["Sam Okafor", "--start", "2026-03-02", "--note", PATIENT.note, "-o", "out.pdf"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.pdf").read_bytes() == default.pdf


def test_cli_bad_character_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.cli.app import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUTS_NO_BUILTIN", raising=False)
    result = CliRunner().invoke(main, ["build", "--patient", "Leg 🦵", "-o", "out.pdf"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: patient name: character")
    assert not (tmp_path / "out.pdf").exists()
