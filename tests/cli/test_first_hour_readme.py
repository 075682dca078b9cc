"""The first hour: the README's quick start stays two commands; its examples avoid YAML traps."""

from __future__ import annotations

import re
from pathlib import Path

from handouts.content.yaml_traps import split_sentences

README = Path(__file__).resolve().parents[2] / "README.md"


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def test_the_quick_start_is_set_up_once_then_two_commands() -> None:
    quick = section("Quick start")
    blocks = re.findall(r"```sh\n(.*?)```", quick, re.S)
    setup, commands = blocks[0], blocks[1]
    assert "python3 -m venv .venv" in setup and ". .venv/bin/activate" in setup
    assert "externally-managed-environment" in quick  # why not the system Python
    assert commands.splitlines() == ["handouts build", "python -m pytest"]


def test_the_paths_for_each_user_come_before_the_reference() -> None:
    text = README.read_text(encoding="utf-8")
    order = [
        "## Quick start",
        "### A clinic: your brand and your own content",
        "### A coach: e-mail each athlete their handout",
        "### A workshop: print 150 handouts",
        "## What a handout contains",
        "## Command reference",
        "### Template variables",
    ]
    assert [text.index(heading) for heading in order] == sorted(
        text.index(heading) for heading in order
    )


def test_yaml_examples_write_prose_lists_one_item_a_line(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
        path = tmp_path / f"example-{number}.yaml"
        path.write_text(block, encoding="utf-8")
        assert split_sentences(path, path.name) == []
        assert not re.search(r"^(steps|cues|mistakes): \[", block, re.M)
