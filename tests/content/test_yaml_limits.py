"""YAML aliases that expand past what a content file may hold: refused at the file and
line, measured without being expanded, within a memory limit."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from handouts.content.yamlsrc import MAX_EXPANDED, parse_yaml

ALIASES = "aliases (*name) repeat parts of this file to more than"


def programme_bomb(copies: int = 3000) -> str:
    """A 24 KB programme whose phases, aliases expanded, hold 9 million exercises."""
    exercises = "[&x {exercise: heel-drop-step, level: 1}, " + ", ".join(["*x"] * copies) + "]"
    phases = ", ".join(["*p"] * copies)
    return (
        "id: bomb\ntitle: Bomb\nsummary: A programme.\naudience: [runners]\nweeks: 6\n"
        "sessions_per_week: 3\n"
        f'phases: [&p {{weeks: "1-6", title: x, exercises: {exercises}}}, {phases}]\n'
    )


def nested_bomb(levels: int = 9) -> str:
    """The classic: each list holds nine of the one before (9**9 values)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


BOMBS = {
    "nested-lists": (nested_bomb(), 1),
    "wide-programme": (programme_bomb(), 7),
    "long-text": ("s: &s " + "x" * 30_000 + "\nt: [" + ", ".join(["*s"] * 100) + "]\n", 1),
    "merge-keys": (
        "m0: &m0 {a: "
        + "y" * 5000
        + "}\n"
        + "".join(f"m{i}: &m{i} [{', '.join([f'*m{i - 1}'] * 20)}]\n" for i in range(1, 4))
        + "x:\n  <<: *m0\n",
        1,
    ),
}


@pytest.mark.parametrize(("text", "line"), BOMBS.values(), ids=BOMBS.keys())
def test_aliases_expanding_past_the_limit_are_one_problem_at_the_anchor(
    text: str, line: int
) -> None:
    doc, problems = parse_yaml(text, "bomb.yaml")
    assert doc is None
    assert [(p.path, p.line) for p in problems] == [("bomb.yaml", line)]
    assert problems[0].message.startswith(ALIASES)


def test_an_alias_inside_its_own_value_is_a_problem_not_a_hang() -> None:
    doc, problems = parse_yaml("x: 1\na: &a\n  - 1\n  - [*a]\n", "f.yaml")
    assert doc is None
    assert [(p.line, p.message[:35]) for p in problems] == [
        (2, "an alias (*name) holds the value it")
    ]


def test_the_lines_of_a_front_matter_count_from_the_file() -> None:
    _, problems = parse_yaml(nested_bomb(), "s.md", first_line=2)
    assert problems[0].line == 2


def test_aliases_within_the_limit_still_load() -> None:
    text = (
        "d: &d {sets: 3, reps: 10}\nlevels:\n  - <<: *d\n    level: 1\n  - <<: *d\n    level: 2\n"
    )
    doc, problems = parse_yaml(text, "f.yaml")
    assert problems == []
    assert doc.data["levels"][1] == {"sets": 3, "reps": 10, "level": 2}
    doc, problems = parse_yaml(programme_bomb(copies=30), "f.yaml")  # 900 entries: fine
    assert problems == [] and len(doc.data["phases"]) == 31
    assert MAX_EXPANDED >= 1_000_000


def _limit_memory() -> None:
    limit = 1_000_000_000
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_check_refuses_a_bomb_within_a_memory_limit(tmp_path: Path) -> None:
    """Before, this 24 KB programme took about 9 GB (a MemoryError traceback under 2 GB)."""
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "bomb.yaml").write_text(programme_bomb(), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "--content", tmp_path, "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        preexec_fn=_limit_memory,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"programmes/bomb.yaml:7: {ALIASES}")
    assert lines[1:] == ["1 problem found"]
