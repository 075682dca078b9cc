"""-q keeps a batch's results and drops its notes, the print file's note among them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli.app import main
from handouts.deliver.batch_report import COMBINED_NOTE

FAST = "inner-calf-circuit"


@pytest.mark.parametrize("quiet", [False, True])
def test_the_print_files_note_is_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("r.csv").write_text(f"patient,programme\nAnn,{FAST}\n", encoding="utf-8")
    args = ["batch", "r.csv", "--jobs", "1", "--date", "2026-03-02", "--combine", "print.pdf"]
    result = CliRunner().invoke(main, ["-q", *args] if quiet else args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("combined: print.pdf (")
    assert COMBINED_NOTE not in result.stdout  # stdout is the results, for a script
    assert (f"note: {COMBINED_NOTE}" in result.stderr) is not quiet
