"""A roster value that cannot be read is kept as written, for a page that fixes the row."""

from __future__ import annotations

from pathlib import Path

from handouts.deliver.roster import parse_roster


def test_unreadable_values_are_kept_as_written_and_read_ones_are_not() -> None:
    raw = b"patient,level,start\nAnn,2,2026-01-05\nBob, x ,5 Jan 2026\n"
    good, bad = parse_roster(raw, Path("list.csv")).rows
    assert good.unread == {} and good.error is None
    assert bad.unread == {"level": "x", "start": "5 Jan 2026"}
    assert bad.level is None and bad.start is None
    assert "level: 'x'" in bad.error and "start: '5 Jan 2026'" in bad.error


def test_a_yaml_value_that_is_not_text_is_kept_as_its_text() -> None:
    raw = b"- {patient: Ann, note: [a, b], start: 2026-02-30}\n"
    (row,) = parse_roster(raw, Path("list.yaml")).rows
    assert row.unread == {"note": "['a', 'b']", "start": "2026-02-30"}
