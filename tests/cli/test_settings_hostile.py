"""Settings and rosters from outside: out-of-range numbers, stored passwords, YAML tags
and aliases, and write errors; each one line in the user's words, never a traceback."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest_pdf import make_pdf

from handouts.cli import main
from handouts.content.yamlsrc import parse_yaml
from handouts.deliver.mail_settings import smtp_settings
from handouts.errors import HandoutsError

TOO_LATE = "is not a date handouts can print"


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        ("99999999999999999999", TOO_LATE),
        ("253402300800", TOO_LATE),  # 10000-01-01: was "not a whole number"
        ("-99999999999999", TOO_LATE),
        ("1e10", "is not a whole number of seconds"),
        ("12abc", "is not a whole number of seconds"),
    ],
)
def test_source_date_epoch_out_of_range_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str, expected: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = CliRunner().invoke(
        main, ["build", "--section", "recovery", "-o", str(tmp_path / "out.pdf")]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        f"error: SOURCE_DATE_EPOCH='{epoch}' {expected}"
    )
    assert len(result.stderr.splitlines()) == 1


def test_the_last_second_of_year_9999_still_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", "--section", "recovery", "-o", str(out)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", [".nan", "1e400", "-.inf", ".inf", "1e12", "0", "-5"])
@pytest.mark.parametrize("key", ["timeout", "rate_per_minute"])
def test_an_smtp_number_out_of_range_is_one_line(key: str, value: str) -> None:
    doc, _ = parse_yaml(f"{key}: {value}\nfrom: a@example.org\n", "handouts.yaml")
    with pytest.raises(HandoutsError, match=f"^smtp.{key}: must be a number above 0 and up to"):
        smtp_settings(doc.data, {})


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    monkeypatch.delenv("HANDOUTS_SMTP_PASSWORD", raising=False)
    return tmp_path / "ws"


@pytest.mark.parametrize(
    ("smtp", "expected"),
    [
        ("  password: hunter2\n", "smtp.password must not be stored in handouts.yaml"),
        ("  timeout: .nan\n", "smtp.timeout: must be a number above 0"),
        ("  timeout: 1e400\n", "smtp.timeout: must be a number above 0"),
    ],
)
def test_check_flags_the_smtp_settings_mail_would_refuse(
    workspace: Path, smtp: str, expected: str
) -> None:
    with (workspace / "handouts.yaml").open("a", encoding="utf-8") as file:
        file.write(f"smtp:\n  host: mail.example.org\n  from: clinic@example.org\n{smtp}")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"handouts.yaml: {expected}") and lines[1:] == ["1 problem found"]
    assert "hunter2" not in result.output


ROSTER = """\
- patient: Ann
  level: !!int [1, 2]
- patient: !!timestamp nope
- ? [a, b]
  : x
  patient: Bo
- patient: Cy
  start: !!timestamp 2026-99-99
  note: !!set {a, b}
"""


def test_roster_tags_and_complex_keys_never_show_pyyaml_nodes(workspace: Path) -> None:
    (workspace / "r.yaml").write_text(ROSTER, encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", "r.yaml", "--out-dir", "out"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    report = (workspace / "out" / "batch-report.csv").read_text(encoding="utf-8-sig")
    for text in (result.output, report):
        assert "Node(" not in text and "tag:yaml.org" not in text and "Traceback" not in text
    assert "level: '[1, 2]' is not a level" in report


def test_a_roster_alias_bomb_is_refused_at_its_line(workspace: Path) -> None:
    lines = ['- {patient: &n "' + "N" * 1000 + '"}']
    lines += ["- {patient: " + "*n" + "}" for _ in range(3000)]
    (workspace / "bomb.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", "bomb.yaml", "--out-dir", "out"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: bomb.yaml:1: aliases (*name) repeat parts of this file")


@pytest.mark.parametrize("text", ["id: x\nname: !!timestamp nope\n", "id: x\nname: !!float nope\n"])
def test_a_content_value_with_a_tag_pyyaml_trips_on_is_a_problem(text: str) -> None:
    doc, problems = parse_yaml(text, "x.yaml")
    assert doc is None or problems
    assert [p.path for p in problems] == ["x.yaml"]


def _small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (4_000, 4_000))


def test_a_write_error_names_the_file_asked_for_not_the_hidden_part_file(tmp_path: Path) -> None:
    source, out = tmp_path / "in.pdf", tmp_path / "out" / "booklet.pdf"
    source.write_bytes(make_pdf(8))
    out.parent.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "handouts", "impose", "--booklet", source, "-o", out],
        capture_output=True,
        text=True,
        preexec_fn=_small_files,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {out}: file too large"]  # was without a file
    assert list(out.parent.iterdir()) == []  # no part file left behind
