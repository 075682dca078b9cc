"""Fuzz every way outside text comes in: content folders, brand files, rosters (CSV and
YAML) and the CLI's text options. Each run ends in the project's own one-line error
or a sound PDF (qpdf --check), never another exception; what check accepts, build builds.

Bounded for CI: derandomised, no example database, a few seconds each.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.cli import main

QPDF = shutil.which("qpdf")
FUZZ = settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text as people paste it: accents, other scripts, emoji, markup, quotes, controls, length.
TEXT = st.one_of(
    st.sampled_from(
        [
            "Sam Lee",
            "Zoë O'Brien-Łukasz",
            "Αλέξης Иван",
            "<b>bold</b> & <img src=x>",
            "小腿 💪 مرحبا",
            "tab\there\x07bell\x1b[31m",
            "{{ 7 * 7 }} {% if %}",
            '=HYPERLINK("x")',
            "x" * 600,
            " ",
            "",
        ]
    ),
    st.text(min_size=0, max_size=40),
)


def finished(result: Result, pdf: Path | None = None) -> bool:
    """The project's own end: 0 with a sound PDF, 1 or 2 with error lines; True if built."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 0 and pdf is not None:
        assert pdf.read_bytes().startswith(b"%PDF-")
        if QPDF:
            assert subprocess.run([QPDF, "--check", pdf], capture_output=True).returncode == 0
        pdf.unlink()
    return result.exit_code == 0


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert CliRunner().invoke(main, ["init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


def yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@FUZZ
@given(name=TEXT, step=TEXT, reps=st.sampled_from(["10", "0", "-3", "1e400", "[1, 2]", "x"]))
def test_fuzz_a_clinic_exercise(workspace: Path, name: str, step: str, reps: str) -> None:
    (workspace / "exercises" / "clinic-fuzz.yaml").write_text(
        f"id: clinic-fuzz\nname: {yaml_text(name)}\nsummary: A test.\ntargets: [Calf]\n"
        f"position: Standing\nsteps: [{yaml_text(step)}]\nsafety: Stop if it hurts.\n"
        f"levels:\n  - {{level: 1, label: Basic, sets: 3, reps: {reps}}}\n",
        encoding="utf-8",
    )
    checked = finished(CliRunner().invoke(main, ["check"]))
    out = workspace / "out.pdf"
    built = finished(
        CliRunner().invoke(main, ["build", "--exercise", "clinic-fuzz", "-o", str(out)]), out
    )
    assert built or not checked, "check accepted what build refused"


MARKDOWN = st.sampled_from(
    [
        "# H",
        "## " + "w " * 90,
        "*a*",
        "**b**",
        "> q",
        "- i",
        "1. n",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "```\ncode\n```",
        "[l](https://x.org)",
        "![img](x.png)",
        "<b>raw</b>",
        "---",
        "\\",
        "`c`",
        "小",
        "💪",
        "\x07",
        "&amp;",
        "*" * 60,
    ]
)


@FUZZ
@given(title=TEXT, blocks=st.lists(st.one_of(MARKDOWN, TEXT), max_size=6))
def test_fuzz_a_clinic_section(workspace: Path, title: str, blocks: list[str]) -> None:
    (workspace / "sections" / "clinic-welcome.md").write_text(
        f"---\nid: clinic-welcome\ntitle: {yaml_text(title)}\naudience: [patients]\n---\n"
        + "\n\n".join(blocks)
        + "\n",
        encoding="utf-8",
    )
    checked = finished(CliRunner().invoke(main, ["check"]))
    out = workspace / "out.pdf"
    built = finished(
        CliRunner().invoke(main, ["build", "--section", "clinic-welcome", "-o", str(out)]), out
    )
    assert built or not checked, "check accepted what build refused"


COLOUR = st.sampled_from(['"#1F5F8B"', '"#fff"', "#1F5F8B", '"red"', '"#FFFFFF"', "1", '""'])


@FUZZ
@given(
    name=TEXT,
    primary=COLOUR,
    accent=COLOUR,
    contact=st.lists(TEXT, max_size=3),
    paper=st.sampled_from(["a4", "letter", "A5", "1", '""']),
    font=st.sampled_from(["Atkinson Hyperlegible", "Noto Sans", "No Such Font", '""']),
)
def test_fuzz_a_brand_file(
    workspace: Path,
    name: str,
    primary: str,
    accent: str,
    contact: list[str],
    paper: str,
    font: str,
) -> None:
    (workspace / "brands" / "clinic.yaml").write_text(
        f"name: {yaml_text(name)}\nprimary: {primary}\naccent: {accent}\n"
        f"contact: [{', '.join(yaml_text(c) for c in contact)}]\npaper: {paper}\n"
        f"font: {font}\n",
        encoding="utf-8",
    )
    checked = finished(CliRunner().invoke(main, ["check"]))
    out = workspace / "out.pdf"
    built = finished(
        CliRunner().invoke(main, ["build", "--section", "recovery", "-o", str(out)]), out
    )
    assert built or not checked, "check accepted what build refused"


@FUZZ
@given(
    rows=st.lists(
        st.tuples(
            TEXT,
            st.sampled_from(["", "2", "99", "x", "1.5"]),
            TEXT,
            st.sampled_from(["", "2026-03-02", "2026-02-30", "nope", "02/03/2026"]),
        ),
        min_size=1,
        max_size=3,
    ),
    as_yaml=st.booleans(),
)
def test_fuzz_a_roster(
    workspace: Path, rows: list[tuple[str, str, str, str]], as_yaml: bool
) -> None:
    if as_yaml:
        text = "".join(
            f"- {{patient: {yaml_text(p)}, level: {yaml_text(lv)}, note: {yaml_text(n)},"
            f" start: {yaml_text(s)}}}\n"
            for p, lv, n, s in rows
        )
        roster = workspace / "r.yaml"
    else:

        def cell(value: str) -> str:
            return '"' + value.replace('"', '""') + '"'

        text = "patient,level,note,start\n" + "".join(
            ",".join(cell(v) for v in row) + "\n" for row in rows
        )
        roster = workspace / "r.csv"
    roster.write_text(text, encoding="utf-8")
    shutil.rmtree(workspace / "out", ignore_errors=True)
    result = CliRunner().invoke(
        main, ["batch", roster.name, "--out-dir", "out", "--programme", "achilles-eccentric"]
    )
    finished(result)
    for pdf in (workspace / "out").glob("*.pdf") if (workspace / "out").is_dir() else []:
        finished(result, pdf)


@FUZZ
@given(patient=TEXT, clinician=TEXT, note=TEXT, date=st.sampled_from(["", "2026-03-02", "x"]))
def test_fuzz_the_cli_text_options(
    workspace: Path, patient: str, clinician: str, note: str, date: str
) -> None:
    out = workspace / "out.pdf"
    command = ["build", "--section", "recovery", "-o", str(out), "--patient", patient]
    command += ["--clinician", clinician, "--note", note] + (["--date", date] if date else [])
    finished(CliRunner().invoke(main, command), out)
