"""``brand:`` in handouts.yaml: a brand id, or a YAML file inside the workspace (this file's
folder or a content folder it lists, links followed); never a word of any other file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handouts.content.workspace import load_workspace
from handouts.errors import ContentError

SECRET = "name: not-for-your-eyes"


@pytest.fixture
def places(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace folder, and beside it a shared content folder and a stray brand file."""
    workspace, shared = tmp_path / "ws", tmp_path / "shared"
    (workspace / "brands").mkdir(parents=True)
    (workspace / "brands" / "clinic.yaml").write_text("name: Riverside\n", encoding="utf-8")
    (shared / "brands").mkdir(parents=True)
    (shared / "brands" / "group.yaml").write_text("name: Group\n", encoding="utf-8")
    (tmp_path / "stray.yaml").write_text(SECRET + "\n", encoding="utf-8")
    return workspace, shared


def settings(workspace: Path, text: str) -> Path:
    (workspace / "handouts.yaml").write_text(text, encoding="utf-8")
    return workspace


def refusal(workspace: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_workspace(workspace)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (1, "brand")
    assert "not-for-your-eyes" not in str(caught.value)
    return problem.message


def test_a_file_inside_the_workspace_or_a_listed_content_folder_is_the_brand(places) -> None:
    workspace, shared = places
    inside = load_workspace(settings(workspace, "brand: brands/clinic.yaml\n"))
    assert inside.brand == workspace / "brands" / "clinic.yaml"
    listed = settings(workspace, "brand: ../shared/brands/group.yaml\ncontent: [../shared]\n")
    assert load_workspace(listed).brand == shared / "brands" / "group.yaml"


def test_an_id_names_a_brand_of_the_content_folders(places) -> None:
    workspace, shared = places
    found = load_workspace(settings(workspace, "brand: group\ncontent: [../shared]\n"))
    assert found.brand == shared / "brands" / "group.yaml"


@pytest.mark.parametrize(
    "brand", ["../stray.yaml", "{tmp}/stray.yaml", "../shared/brands/group.yaml"]
)
def test_a_file_outside_the_workspace_is_refused_unread(places, brand: str) -> None:
    workspace, _ = places
    settings(workspace, f"brand: {brand.format(tmp=workspace.parent)}\n")  # shared: not listed
    assert "is outside the workspace" in refusal(workspace)


def test_a_link_inside_the_workspace_to_a_file_outside_is_refused(places) -> None:
    workspace, _ = places
    os.symlink(workspace.parent / "stray.yaml", workspace / "brands" / "linked.yaml")
    settings(workspace, "brand: brands/linked.yaml\n")
    assert "linked.yaml is outside the workspace" in refusal(workspace)


def test_a_file_that_is_not_yaml_is_not_a_brand(places) -> None:
    workspace, _ = places
    (workspace / "notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    settings(workspace, "brand: notes.txt\n")
    assert refusal(workspace).endswith(
        "notes.txt is not a brand file: give a .yaml file, or a brand id"
    )


def test_a_missing_file_or_unknown_id_says_what_to_give(places) -> None:
    workspace, _ = places
    settings(workspace, "brand: nosuch\n")
    assert refusal(workspace).startswith("file not found: ")
