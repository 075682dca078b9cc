"""The first hour: spreadsheets as they come (headers, day/month dates, levels past the top)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from first_hour import clean_folder, run

FAST = "inner-calf-circuit"  # the quickest built-in programme


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)


def batch(roster: Path, *args: str):  # noqa: ANN201 - click Result
    return run("batch", roster, "--out-dir", "out", "--date", "2026-03-02", "-j", "1", *args)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def report(tmp_path: Path) -> list[list[str]]:
    with open(tmp_path / "out" / "batch-report.csv", encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_common_headers_are_read_with_one_note(tmp_path: Path) -> None:
    path = write(tmp_path, f"Athlete,Email address,Programme\nAnn Lee,ann@example.org,{FAST}\n")
    result = batch(path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f'note: {path}: reading column "athlete" as patient, "email address" as email'
    )
    assert (tmp_path / "out" / "ann-lee.pdf").is_file()


@pytest.mark.parametrize(
    ("header", "column"),
    [("Name", "patient"), ("Full name", "patient"), ("Attendee", "patient"), ("E-mail", "email")],
)
def test_each_common_header_names_its_column(tmp_path: Path, header: str, column: str) -> None:
    from handouts.deliver.roster import read_roster

    first = "patient," if column == "email" else ""
    value = "Ann," if column == "email" else ""
    roster = read_roster(write(tmp_path, f"{first}{header}\n{value}ann@example.org\n"))
    assert roster.notes == (
        f'{tmp_path / "export.csv"}: reading column "{header.lower()}" as {column}',
    )
    assert column in roster.columns


def test_a_day_month_date_is_never_guessed(tmp_path: Path) -> None:
    path = write(tmp_path, f"patient,programme,start\nAnn,{FAST},01/12/2026\n")
    result = batch(path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}:2: start '01/12/2026': is that day/month or month/day? "
        "Give --date-format DD/MM/YYYY or MM/DD/YYYY (or date_format: in handouts.yaml)\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "settings", "printed"),
    [
        (["--date-format", "DD/MM/YYYY"], "", "1 Dec"),
        (["--date-format", "MM/DD/YYYY"], "", "12 Jan"),
        ([], "date_format: DD/MM/YYYY\n", "1 Dec"),
    ],
)
def test_a_date_format_reads_the_dates(
    tmp_path: Path, args: list[str], settings: str, printed: str
) -> None:
    from pypdf import PdfReader

    if settings:
        (tmp_path / "handouts.yaml").write_text(settings, encoding="utf-8")
    path = write(tmp_path, f"patient,programme,start\nAnn,{FAST},01/12/2026\n")
    result = batch(path, *args)
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "out" / "ann.pdf").pages)
    assert printed in text


def test_a_date_that_does_not_fit_the_format_fails_its_row(tmp_path: Path) -> None:
    path = write(tmp_path, f"patient,programme,start\nAnn,{FAST},12/31/2026\n")
    result = batch(path, "--date-format", "DD/MM/YYYY")
    assert result.exit_code == 1
    assert report(tmp_path)[1] == [
        "2",
        "Ann",
        "start: '12/31/2026' is not a date (use DD/MM/YYYY or YYYY-MM-DD)",
    ]


def test_a_level_above_the_top_is_reported_not_silently_capped(tmp_path: Path) -> None:
    path = write(tmp_path, f"patient,programme,level\nAnn,{FAST},7\nBen,{FAST},1\n")
    result = batch(path)
    assert result.exit_code == 0, result.output  # built, at the top level: not a failure
    check = (
        "level 7 is above the top level of Short-foot exercise (2), Single-leg hip hinge "
        "with Pallof press (2), Pool-noodle runner's lunge (2): each printed at its top level; "
        "check the level"
    )
    assert report(tmp_path)[1:] == [["2", "Ann", check]]
    assert f"[1/2] built ann.pdf ({check})" in result.stderr.splitlines()
    assert f"rows to check: {Path('out') / 'batch-report.csv'}" in result.stdout.splitlines()
