"""The first hour: `handouts copy` makes a built-in item the clinic's own; `show` says whose."""

from __future__ import annotations

from pathlib import Path

import pytest
from first_hour import clean_folder, run

from handouts import paths

BUILTIN = paths.builtin_content_dir()


@pytest.fixture(autouse=True)
def _workspace(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)
    assert run("init", ".", "--name", "Hillside Running Club").exit_code == 0


def test_copy_with_the_same_id_replaces_the_builtin_item(tmp_path: Path) -> None:
    result = run("copy", "bent-knee-calf-raise")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "copied exercise bent-knee-calf-raise to exercises/bent-knee-calf-raise.yaml\n"
        "it replaces the built-in exercise of that id; edit it there\n"
    )
    copy = tmp_path / "exercises" / "bent-knee-calf-raise.yaml"
    assert copy.read_text() == (BUILTIN / "exercises" / "bent-knee-calf-raise.yaml").read_text()
    shown = run("show", "bent-knee-calf-raise").stdout.splitlines()
    assert shown[1:3] == [
        "exercise bent-knee-calf-raise · clinic · exercises/bent-knee-calf-raise.yaml",
        f"(replaces {BUILTIN / 'exercises' / 'bent-knee-calf-raise.yaml'})",
    ]


def test_copy_as_a_new_id_keeps_both(tmp_path: Path) -> None:
    result = run("copy", "heel-drop-step", "--as", "my-heel-drop")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == "a new exercise, my-heel-drop; the built-in one stays"
    text = (tmp_path / "exercises" / "my-heel-drop.yaml").read_text()
    assert "\nid: my-heel-drop\n" in f"\n{text}"
    assert run("show", "my-heel-drop").stdout.splitlines()[1] == (
        "exercise my-heel-drop · clinic · exercises/my-heel-drop.yaml"
    )
    assert run("check").exit_code == 0


def test_a_section_and_a_programme_copy_too(tmp_path: Path) -> None:
    assert run("copy", "what-is-the-soleus", "--as", "soleus-basics").exit_code == 0
    assert run("copy", "soleus-strength-runners").exit_code == 0
    assert (tmp_path / "sections" / "soleus-basics.md").is_file()
    assert (tmp_path / "programmes" / "soleus-strength-runners.yaml").is_file()
    assert run("show", "soleus-basics").exit_code == 0


def test_a_brand_copy_brings_its_logo_and_says_what_to_edit(tmp_path: Path) -> None:
    result = run("copy", "demo", "--as", "riverside")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "copied brand demo to brands/riverside.yaml and brands/demo-logo.svg\n"
        "a new brand, riverside; the built-in one stays. Edit its name, colours, logo and "
        "contact lines; use it with brand: riverside in handouts.yaml, or --brand riverside\n"
    )
    assert (tmp_path / "brands" / "demo-logo.svg").is_file()


def test_show_says_how_to_make_a_builtin_item_your_own() -> None:
    shown = run("show", "wall-soleus-stretch").stdout.splitlines()
    assert shown[1].startswith("exercise wall-soleus-stretch · built-in · ")
    assert shown[2] == "(to make it your own: handouts copy wall-soleus-stretch)"


def test_copy_never_overwrites_and_refuses_a_bad_id() -> None:
    assert run("copy", "hip-hikes").exit_code == 0
    again = run("copy", "hip-hikes")
    assert again.exit_code == 1
    assert again.stderr == (
        "error: not overwriting exercises/hip-hikes.yaml; give the copy another id with --as NEW\n"
    )
    bad = run("copy", "hip-hikes", "--as", "My Hikes")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "error: --as My Hikes: an id is lowercase letters, digits and hyphens, "
        "such as my-hip-hikes\n"
    )
    unknown = run("copy", "hip-hike")
    assert unknown.exit_code == 2
    assert unknown.stderr.splitlines()[-1] == (
        'error: invalid value for ID: no item "hip-hike" (did you mean "hip-hikes"?)'
    )


def test_without_a_workspace_copy_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    (tmp_path / "handouts.yaml").unlink()
    result = run("copy", "hip-hikes")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: no content folder to copy into: make a workspace with `handouts init DIR` "
        "and run this there, or give --to DIR\n"
    )
