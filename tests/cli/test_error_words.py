"""Errors below the command line speak of the input; the CLI alone names its options."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.build import Builder, Request
from handouts.cli.error_boundary import _lines
from handouts.compose import Selection
from handouts.content.copy import CopyError, copy_item
from handouts.content.library import Library
from handouts.content.loader import load_library
from handouts.errors import HandoutsError, SelectionError


def test_nothing_to_build_asks_for_a_selection_and_the_cli_names_the_options(
    builder: Builder,
) -> None:
    with pytest.raises(SelectionError) as caught:
        builder.compose(Request(Selection()))
    error = caught.value
    assert error.message == "nothing to build: name a programme, or choose exercises or sections"
    assert _lines(error) == [f"error: {error.message} with --exercise or --section"]


def test_a_copy_in_the_way_asks_for_another_id_and_the_cli_names_as(tmp_path: Path) -> None:
    library = load_library()
    copy_item(library, "exercises", "hip-hikes", tmp_path)
    with pytest.raises(CopyError) as caught:
        copy_item(library, "exercises", "hip-hikes", tmp_path)
    assert "--" not in caught.value.message
    assert _lines(caught.value)[0].endswith("give the copy another id with --as NEW")
    with pytest.raises(CopyError) as caught:
        copy_item(library, "exercises", "hip-hikes", tmp_path, "My Hikes")
    assert caught.value.message.startswith("new id My Hikes: an id is lowercase letters")
    assert _lines(caught.value)[0].startswith("error: --as My Hikes: an id is lowercase")


def test_a_missing_demo_brand_asks_for_a_brand_file() -> None:
    with pytest.raises(HandoutsError) as caught:
        Builder(Library()).brand(None)  # a library without the demo brand
    assert caught.value.message.endswith("the demo brand is missing; give a brand file")
    assert _lines(caught.value)[0].endswith("give a brand file with --brand FILE|ID")


def test_an_error_without_a_known_input_is_shown_as_it_is() -> None:
    error = HandoutsError("something odd", subject="zebra", needs="giraffe")
    assert _lines(error) == ["error: something odd"]


def test_a_print_file_of_protected_rows_is_refused_in_words_of_the_input(tmp_path: Path) -> None:
    from handouts.deliver import batch
    from handouts.deliver.roster import read_roster

    roster = tmp_path / "r.csv"
    roster.write_text("patient,programme,password\nAnn,home-no-gym,own\n", encoding="utf-8")
    settings = batch.Settings(out_dir=tmp_path / "out", roster_dir=tmp_path)
    with pytest.raises(HandoutsError) as caught:
        batch.run(read_roster(roster).rows, settings, combine=tmp_path / "all.pdf")
    error = caught.value
    assert "--" not in error.message and error.subject == "print file"
    assert error.message.endswith("a password to encrypt it, or allow it unencrypted")
    assert _lines(error)[0].startswith(f"error: --combine {tmp_path / 'all.pdf'}: row 2 has a")
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_a_print_file_not_written_is_said_as_the_print_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from handouts.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.csv").write_text("patient\nAnn\n", encoding="utf-8")  # no programme: fails
    result = CliRunner().invoke(main, ["batch", "r.csv", "--jobs", "1", "--combine", "all.pdf"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "error: print file all.pdf not written: no handout was built"
    )
    assert not (tmp_path / "all.pdf").exists()
