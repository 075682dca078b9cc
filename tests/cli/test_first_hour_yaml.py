"""The first hour: YAML traps. A sentence in a bracketed list is split at its comma."""

from __future__ import annotations

from pathlib import Path

import pytest
from first_hour import clean_folder, run


@pytest.fixture(autouse=True)
def _workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)
    assert run("init", ".").exit_code == 0


def set_cues(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "exercises" / "clinic-wall-sit.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, text in enumerate(lines) if text.startswith("cues:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("  "))
    path.write_text("\n".join([*lines[:start], line, *lines[end:]]) + "\n", encoding="utf-8")
    return path


def test_check_warns_when_a_sentence_is_split_at_a_comma(tmp_path: Path) -> None:
    set_cues(tmp_path, "cues: [Keep your standing knee soft, not locked.]")
    result = run("check")
    assert result.exit_code == 0, result.output  # valid content: a warning, not a problem
    line = next(
        n
        for n, text in enumerate((tmp_path / "exercises/clinic-wall-sit.yaml").open(), 1)
        if text.startswith("cues:")
    )
    assert result.stderr == (
        f'warning: exercises/clinic-wall-sit.yaml:{line}: cues: "Keep your standing knee soft" '
        'and "not locked." are two items: in a list in [ ], a comma starts a new item. If it '
        'is one sentence, write the list one item a line ("- Keep your standing knee soft, '
        'not locked.")\n'
    )


@pytest.mark.parametrize(
    "line",
    [
        "cues: [Keep your knee soft., Breathe out as you rise.]",  # two sentences
        'cues: ["Keep your standing knee soft, not locked."]',  # quoted: one item
        "cues:\n  - Keep your standing knee soft, not locked.",  # one item a line
    ],
)
def test_lists_that_say_what_they_mean_pass_quietly(tmp_path: Path, line: str) -> None:
    set_cues(tmp_path, line)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
