"""The first hour, safety first: which handouts.yaml a run uses, and the demo brand.

A workspace's handouts.yaml is found upward from the working folder (or named by
--config / HANDOUTS_CONFIG); without one, a build says it prints the made-up demo
clinic, and e-mail refuses to send it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_smtp import Collector
from first_hour import clean_folder, run
from test_cli_batch import MAIL_ROSTER, roster, smtp_server

DATE = "2026-03-02"
EXERCISE = "hip-hikes"  # a one-exercise handout builds in about a second
FAST = "inner-calf-circuit"
HOW_TO_SET = (
    "set brand: in handouts.yaml or give --brand FILE|ID (`handouts init DIR` makes a starter)"
)
DEMO = '"Riverside Physio & Running Clinic", a made-up clinic'
REFUSAL = f"not sent: the handout carries the demo brand ({DEMO}); {HOW_TO_SET}"
DEMO_WARNING = f"warning: this handout carries the demo brand ({DEMO}); for your own, {HOW_TO_SET}"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)


def build(*args: str | Path, env: dict[str, str] | None = None):  # noqa: ANN201
    return run(*args, "build", "--exercise", EXERCISE, "--date", DATE, "-o", "h.pdf", env=env)


def workspace(folder: Path) -> Path:
    """A clinic workspace made by `handouts init`, with its own brand."""
    result = run("init", folder, "--name", "Hillside Running Club")
    assert result.exit_code == 0, result.output
    return folder / "handouts.yaml"


def test_without_a_workspace_a_build_warns_once_that_it_prints_the_demo_brand() -> None:
    result = build()
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [DEMO_WARNING]
    assert result.stdout == "h.pdf\n"


def test_handouts_yaml_is_found_in_a_folder_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace(tmp_path / "clinic")
    (tmp_path / "clinic" / "output" / "march").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "clinic" / "output" / "march")
    result = build()
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # the clinic's brand: no demo warning
    result = run("show", "clinic")  # the workspace's content folder is loaded too
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Hillside Running Club\n")


def test_config_option_and_environment_variable_name_the_file(tmp_path: Path) -> None:
    config = workspace(tmp_path / "clinic")
    assert build("--config", config).stderr == ""
    assert build(env={"HANDOUTS_CONFIG": str(config)}).stderr == ""
    result = build("--config", tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: invalid value for '--config': file '{tmp_path / 'missing.yaml'}' does not exist"
    )


def test_batch_email_refuses_the_demo_brand_before_building(tmp_path: Path) -> None:
    with smtp_server(Collector()) as env:
        del env["HANDOUTS_CONFIG"]  # no workspace: the demo brand
        result = run("batch", roster(tmp_path, MAIL_ROSTER), "--out-dir", "out", "--email", env=env)
    assert result.exit_code == 1
    assert result.stderr == f"error: --email: {REFUSAL}\n"
    assert not (tmp_path / "out").exists()


def test_a_dry_run_may_use_the_demo_brand_with_the_warning(tmp_path: Path) -> None:
    path = roster(tmp_path, f"patient,email,programme\nAnn,ann@example.org,{FAST}\n")
    result = run("batch", path, "--out-dir", "out", "--email", "--dry-run", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"warning: rows without a brand column carry the demo brand ({DEMO}); "
        f"for your own, {HOW_TO_SET}"
    )
    assert len(list((tmp_path / "out" / "outbox").glob("*.eml"))) == 1


def test_a_row_with_the_demo_brand_is_not_emailed(tmp_path: Path) -> None:
    text = (
        "patient,email,programme,brand\n"
        f"Ann,ann@example.org,{FAST},\n"
        f"Ben,ben@example.org,{FAST},demo\n"
    )
    handler = Collector()
    with smtp_server(handler) as env:
        result = run(
            "batch", roster(tmp_path, text), "--out-dir", "out", "--email", "-j", "1", env=env
        )
    assert result.exit_code == 1
    assert handler.recipients() == ["ann@example.org"]
    line = f"[2/2] built ben.pdf; e-mail not sent: brand: {REFUSAL}"
    assert line in result.stderr.splitlines()


def test_send_refuses_the_demo_brand(tmp_path: Path) -> None:
    assert build().exit_code == 0
    with smtp_server(Collector()) as env:
        del env["HANDOUTS_CONFIG"]
        result = run("send", "h.pdf", "--to", "ann@example.org", env=env)
    assert result.exit_code == 1
    assert result.stderr == f"error: send: {REFUSAL}\n"
