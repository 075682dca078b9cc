"""Sections a page cannot show: nesting, wide tables, long headings and titles, and
characters no font has. ``check`` and ``build`` say the same line, at the file and line,
quickly; never a RecursionError, a ValueError or a build that does not end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main

HEAD = "---\nid: clinic-welcome\ntitle: {title}\naudience: [patients]\n---\n"
DEEP = "Markdown nested more than 20 levels deep"


def table(columns: int) -> str:
    cells = [f"c{i}" for i in range(columns)]
    return (
        "|"
        + "|".join(cells)
        + "|\n|"
        + "|".join("-" * columns)
        + "|\n|"
        + "|".join("v" * columns)
        + "|\n"
    )


CASES = {  # title, body, the line and the start of the message
    "emphasis-500": ("Welcome", "Intro.\n\n" + "*" * 500 + "x" + "*" * 500 + "\n", 8, DEEP),
    "links-in-emphasis": ("Welcome", "_" * 60 + "[a](https://x.org)" + "_" * 60 + "\n", 6, DEEP),
    "table-40": ("Welcome", table(40), 6, "a table of 40 columns"),
    "table-11": ("Welcome", "Text.\n\n" + table(11), 8, "a table of 11 columns"),
    "heading-800-words": ("Welcome", "## " + " ".join(["word"] * 800) + "\n", 6, "a heading of"),
    "title-2000": ("T" * 2000, "", 0, "title: 2,000 characters"),
    "title-400-words": (" ".join(["Word"] * 400), "Text.\n", 0, "title: 1,999 characters"),
    "cjk": ("Welcome", "Text.\n小腿力量训练\n", 7, "character '小' (U+5C0F) cannot be printed"),
    "arabic": ("Welcome", "مرحبا\n", 6, "character 'م' (U+0645) cannot be printed"),
    "hebrew": ("Welcome", "שלום\n", 6, "character 'ש' (U+05E9) cannot be printed"),
    "emoji": ("Welcome", "Keep going 💪\n", 6, "character '💪' (U+1F4AA) cannot be printed"),
    "emoji-in-title": ("Run 🏃", "Text.\n", 0, "title: character '🏃' (U+1F3C3)"),
    "bell": ("Welcome", "A\nBad \x07 bell\n", 7, "control character U+0007"),
    "terminal-colour": ("Welcome", "Red \x1b[31m text\n", 6, "control character U+001B"),
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


@pytest.mark.parametrize(("title", "body", "line", "expected"), CASES.values(), ids=CASES.keys())
def test_check_and_build_refuse_a_section_in_the_same_line(
    workspace: Path, title: str, body: str, line: int, expected: str
) -> None:
    (workspace / "sections" / "clinic-welcome.md").write_text(
        HEAD.format(title=title) + body, encoding="utf-8"
    )
    where = "sections/clinic-welcome.md" + (f":{line}" if line else "")
    started = time.monotonic()
    for command in (["check"], ["build", "--section", "clinic-welcome", "-o", "out.pdf"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"{where}: {expected}"), first
        assert result.stderr.splitlines()[-1] == "1 problem found"
    assert not (workspace / "out.pdf").exists()
    assert time.monotonic() - started < 30


def test_ten_columns_a_long_heading_and_deep_blocks_build(workspace: Path) -> None:
    """What the limits allow makes a page; blocks past 20 levels become text (markdown-it)."""
    body = "## " + "x" * 150 + "\n\n" + table(10) + "\n" + "> - " * 30 + "deep\n"
    (workspace / "sections" / "clinic-welcome.md").write_text(
        HEAD.format(title="W" * 150) + body, encoding="utf-8"
    )
    assert CliRunner().invoke(main, ["check"]).exit_code == 0
    for large in ([], ["--large-print"]):
        command = ["build", "--section", "clinic-welcome", "-o", "out.pdf", *large]
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0, result.output
