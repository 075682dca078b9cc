"""What the first-hour tests share: a clean folder to run in, and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts.cli import main
from handouts.deliver import mail_settings


def clean_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run in ``tmp_path``, with no handouts.yaml, mail settings or NO_COLOR from outside."""
    monkeypatch.chdir(tmp_path)
    for name in [
        *mail_settings.ENV_KEYS.values(),
        mail_settings.PASSWORD_ENV,
        "HANDOUTS_CONFIG",
        "NO_COLOR",
    ]:
        monkeypatch.delenv(name, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None):  # noqa: ANN201 - click Result
    """``handouts ARGS...`` through click's test runner, as a user would type it."""
    return CliRunner().invoke(
        main, [str(a) for a in args], env=env, prog_name="handouts", catch_exceptions=False
    )
