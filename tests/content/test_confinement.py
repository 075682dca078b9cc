"""A brand is an id or a YAML file inside the workspace; a content file links nowhere
else; and no message quotes a file that is not the project's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main

SECRET = "root:x:0:0:secret-line"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "ws")]).exit_code == 0
    (tmp_path / "secret.txt").write_text(SECRET + "\nmore\n", encoding="utf-8")
    (tmp_path / "secret.yaml").write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path / "ws"


OUTSIDE = ["{tmp}/secret.txt", "{tmp}/secret.yaml", "~/secret.yaml", "../secret.yaml"]


@pytest.mark.parametrize("brand", OUTSIDE)
def test_a_roster_brand_outside_the_workspace_is_refused_unread(
    workspace: Path, brand: str
) -> None:
    brand = brand.format(tmp=workspace.parent)
    (workspace / "r.csv").write_text(f"patient,brand\nAnn,{brand}\n", encoding="utf-8")
    command = ["batch", "r.csv", "--out-dir", "out", "--programme", "achilles-eccentric"]
    result = CliRunner().invoke(main, command)
    report = (workspace / "out" / "batch-report.csv").read_text(encoding="utf-8-sig")
    assert result.exit_code == 1
    assert "no brand YAML file of that name" in report
    assert "secret-line" not in report + result.output


def test_a_roster_brand_inside_the_workspace_still_builds(workspace: Path) -> None:
    (workspace / "r.csv").write_text("patient,brand\nAnn,brands/clinic.yaml\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["batch", "r.csv", "--out-dir", "out", "--programme", "achilles-eccentric"]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("brand", OUTSIDE)
def test_handouts_yaml_brand_outside_the_workspace_is_refused_unread(
    workspace: Path, brand: str
) -> None:
    settings = workspace / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace(
        "brand: brands/clinic.yaml", f"brand: {brand.format(tmp=workspace.parent)}"
    )
    settings.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "secret-line" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if "brand:" in line]
    assert line.startswith("handouts.yaml:")
    assert line.endswith(
        "is outside the workspace (this file's folder and its content folders); "
        "copy the brand file into it, such as brands/clinic.yaml, or give a brand id"
    )


@pytest.mark.parametrize("kind", ["exercises/x.yaml", "sections/x.md", "brands/x.yaml"])
def test_a_content_file_linking_outside_the_folder_is_refused_unread(
    workspace: Path, kind: str
) -> None:
    os.symlink(workspace.parent / "secret.yaml", workspace / kind)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert f"{kind}: a link to a file outside the content folder" in result.stderr
    assert "secret-line" not in result.output


def test_a_brand_file_that_is_not_yaml_fields_is_described_not_quoted(
    tmp_path: Path, workspace: Path
) -> None:
    result = CliRunner().invoke(
        main, ["build", "--brand", str(tmp_path / "secret.yaml"), "-o", "out.pdf"]
    )
    assert result.exit_code == 1
    assert "expected a mapping of fields such as 'name: …', found text" in result.stderr
    assert "secret-line" not in result.output
