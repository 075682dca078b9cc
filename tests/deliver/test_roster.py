"""Rosters: CSV and YAML rows, their problems, and safe file names."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handouts.deliver.file_names import MAX_NAME, safe_name, unique_names
from handouts.deliver.roster import read_roster
from handouts.deliver.roster_model import RosterError

ROSTERS = Path(__file__).parents[1] / "fixtures" / "rosters"
SAFE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in range(10)
}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- file names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sam Lee", "sam-lee"),
        ("../../etc/passwd", "etc-passwd"),
        ("..\\..\\Windows\\win.ini", "windows-win-ini"),
        ("CON", "handout-con"),
        ("nul", "handout-nul"),
        ("Com1", "handout-com1"),
        ("Zoë Łukasiewicz", "zoe-lukasiewicz"),
        ("Ярослава", "yaroslava"),
        ("Ярослава Подъячая", "yaroslava-podyachaya"),
        ("Αλέξανδρος", "alexandros"),
        ("Ελένη Παπαδοπούλου", "eleni-papadopoulou"),  # ου is "ou" (ELOT 743), not "oy"
        ("Κουτσούρης", "koutsouris"),
        ("Ευάγγελος", "evangelos"),  # ευ before a vowel; γγ
        ("Αύγουστος", "avgoustos"),  # αυ before a voiced consonant
        ("Αυτός Ευθύμιος", "aftos-efthymios"),  # before a voiceless one
        ("Μωϋσής", "moysis"),  # the diaeresis keeps ο and ϋ apart
        ("Jürgen Straße", "jurgen-strasse"),
        ("O'Brien, Mary-Jane (2)", "o-brien-mary-jane-2"),  # an apostrophe splits words
        ("Margaret O’Brien", "margaret-o-brien"),
        ("D`Arcy ʼOkafor", "d-arcy-okafor"),
        ("  .hidden   name  ", "hidden-name"),
        ("", "handout"),
        ("...", "handout"),
        ("李小龙", "handout"),
        ("a\x00b\nc", "a-b-c"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_safe_name_limits_length() -> None:
    name = safe_name("Bartholomew " * 20)
    assert len(name) <= MAX_NAME
    assert SAFE.match(name) and not name.endswith("-")


@given(st.text(max_size=200))
def test_safe_name_is_always_safe(text: str) -> None:
    name = safe_name(text)
    assert SAFE.match(name), name
    assert len(name) <= MAX_NAME + len("handout-")
    assert name not in WINDOWS_DEVICES


def test_unique_names_follow_roster_order() -> None:
    names = ["Sam Lee", "sam lee", "Sam  Lee", "Sam Lee 2", "", "Ярослава"]
    assert unique_names(names) == [
        "sam-lee.pdf",
        "sam-lee-2.pdf",
        "sam-lee-3.pdf",
        "sam-lee-2-2.pdf",  # "Sam Lee 2" must not take the second Sam Lee's file
        "handout.pdf",
        "yaroslava.pdf",
    ]


# --------------------------------------------------------------------------- rosters


def test_csv_with_bom_and_semicolons() -> None:
    roster = read_roster(ROSTERS / "bom-semicolon.csv")
    assert roster.columns == ("patient", "email", "programme", "level", "note")  # case-folded
    first, second = roster.rows
    assert first.patient == "Zoë Łukasiewicz"  # no BOM glued to the first header or value
    assert (first.level, first.note, first.error) == (2, "Knees; then hips", None)
    assert (second.patient, second.email, second.level) == ("Ярослава Коваль", "", None)


def test_comma_csv_without_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "patient,programme\nAnn,home-no-gym\n\nBen,\n")
    roster = read_roster(path)
    assert [(r.patient, r.programme) for r in roster.rows] == [("Ann", "home-no-gym"), ("Ben", "")]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_rows_are_numbered_as_in_a_spreadsheet(tmp_path: Path, newline: str) -> None:
    # The header is row 1; blank rows count; a value spanning lines is one row.
    lines = ["patient;note", "Ann;", ";;", "", 'Bob;"one', 'two"', "Cat;x"]
    roster = read_roster(write(tmp_path, "r.csv", newline.join(lines) + newline))
    assert [(r.number, r.patient, r.note) for r in roster.rows] == [
        (2, "Ann", ""),
        (5, "Bob", "one two"),
        (6, "Cat", "x"),
    ]


def test_mac_csv_with_cr_line_endings(tmp_path: Path) -> None:
    # Excel for Mac's "CSV (Macintosh)" ends lines with CR only.
    path = write(tmp_path, "r.csv", "patient,programme\rAnn,home-no-gym\rBen,x\r")
    assert [(r.number, r.patient) for r in read_roster(path).rows] == [(2, "Ann"), (3, "Ben")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Never closed: every later row would be read into Bob's note.
        (
            'patient,email,note\nAnn,a@b.org,hi\nBob,b@b.org,"Start slowly\n'
            "Cat,c@b.org,ok\nDan,d@b.org,ok\n",
            "r.csv:3: a quoted value starts on this line and is never closed; add the missing "
            'closing quote (")',
        ),
        # Closed by a stray quote further down: valid CSV, but lines 4-5 are surely rows.
        (
            'patient,email,note\nAnn,a@b.org,hi\nBob,b@b.org,"Start slowly\n'
            'Cat,c@b.org,ok\nDan,d@b.org,size 10"\n',
            "r.csv:3: a quoted value starts on this line and runs on into line 4, which looks "
            'like a row of its own; add the missing closing quote (")',
        ),
        (
            'patient,programme,note\nBob,home-no-gym,"Start slowly\nCat,home-no-gym,ok"\n',
            "r.csv:2: a quoted value starts on this line and runs on into line 3",
        ),
        # Whatever the values: no email or programme column, or blank addresses.
        (
            'patient,note\nAnn,hi\nBob,"Start slowly\nCat,ok\nDan,ok"\nEve,fine\n',
            "r.csv:3: a quoted value starts on this line and runs on into line 4",
        ),
        (
            "patient,email,programme,note\nAnn,ann@example.org,home-no-gym,hi\n"
            'Bob,bob@example.org,home-no-gym,"Start slowly\nCat,,home-no-gym,ok\n'
            'Dan,,home-no-gym,fine"\nEve,eve@example.org,home-no-gym,x\n',
            "r.csv:3: a quoted value starts on this line and runs on into line 4",
        ),
        # Closed by a quote that text follows.
        (
            'patient,note\nAnn,hi\nBob,"Start slowly\nCat,"ok"\n',
            "r.csv:3: a quoted value starts on this line and runs on to a quote on line 4; add "
            'the missing closing quote (")',
        ),
        (
            'patient,note\nAnn,"say "hi" often"\n',
            "r.csv:2: a quoted value has more text after its closing quote; quote the whole "
            'value and write each quote inside it as ""',
        ),
    ],
)
def test_quotes_that_swallow_rows_stop_the_roster(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        read_roster(write(tmp_path, "r.csv", text))
    assert caught.value.format_message().startswith(str(tmp_path / message))


def test_a_note_over_several_lines_is_fine(tmp_path: Path) -> None:
    text = 'patient,email,note\nAnn,a@b.org,"Knees, hips, calves\nslowly, twice daily\n\nx"\n'
    (row,) = read_roster(write(tmp_path, "r.csv", text)).rows
    assert row.note == "Knees, hips, calves slowly, twice daily x"


def test_a_note_line_that_splits_like_a_row_says_how_to_fix_it(tmp_path: Path) -> None:
    # The price of never printing another patient's row: this note must be rewritten.
    text = 'patient,email,note\nAnn,a@b.org,"Emergency contact:\nJane, j@b.org, 555-1234"\n'
    with pytest.raises(RosterError) as caught:
        read_roster(write(tmp_path, "r.csv", text))
    assert caught.value.format_message().endswith(
        'add the missing closing quote ("), or if the value really spans lines, '
        'put it on one line or take the "," out of its later lines'
    )


def test_yaml_roster() -> None:
    roster = read_roster(ROSTERS / "roster.yaml")
    ann, ben = roster.rows
    assert (ann.patient, ann.level, ann.start, ann.clinician) == (
        "Ann Okafor",
        2,
        dt.date(2026, 3, 2),
        "Dr Rivera",
    )
    assert (ben.patient, ben.note, ben.error) == (
        "Ben Müller",
        "Morning sessions: before work",
        None,
    )


def test_bad_values_fail_their_row_only() -> None:
    rows = {
        row.patient or f"row {row.number}": row for row in read_roster(ROSTERS / "mixed.csv").rows
    }
    assert rows["Sam Lee"].error is None
    assert rows["Bad Level"].error == "level: 'x' is not a level (use a whole number from 1 to 20)"
    assert rows["Bad Start"].error == (
        "start: '2026-02-31' is not a date (use YYYY-MM-DD, e.g. 2026-03-02)"
    )
    assert rows["row 6"].error == "patient: missing (every row needs the patient's name)"
    assert rows["row 6"].number == 6
    assert rows["Bad Programme"].error is None  # programmes are checked against the library later


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("patient,level\nA,21\n", "level: '21' is not a level"),
        ("patient,level\nA,2.5\n", "level: '2.5' is not a level"),
        ("patient,start\nA,2026-2-3\n", "start: '2026-2-3' is not a date"),
        ("patient,note\nA,one,two\n", "more values than the 2 columns of the header"),
        ("patient,level,start\n ,x,soon\n", "patient: missing"),
    ],
)
def test_row_problems_name_the_column(tmp_path: Path, text: str, message: str) -> None:
    (row,) = read_roster(write(tmp_path, "r.csv", text)).rows
    assert message in row.error


def test_every_problem_of_a_row_is_listed(tmp_path: Path) -> None:
    (row,) = read_roster(write(tmp_path, "r.csv", "patient,level,start\n,x,soon\n")).rows
    assert [part.split(":")[0] for part in row.error.split("; ")] == ["patient", "level", "start"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "r.csv",
            "patient,emial,colour\nA,a@b.org,red\n",
            'unknown column "emial" (did you mean "email"?); rename or delete it '
            "(known columns: patient,",
        ),
        (
            "r.csv",
            "Name,Programe\nA,x\n",  # "Name" is read as patient: only the typo is left
            'unknown column "programe" (did you mean "programme"?); rename or delete it',
        ),
        ("r.csv", "email,programme\na@b.org,x\n", 'no "patient" column'),
        ("r.csv", "patient,Patient\nA,B\n", "column patient appears more than once"),
        ("r.csv", "patient,,programme\nA,,x\n", "column 2 has no name"),
        ("r.csv", "", "the roster is empty"),
        ("r.csv", "patient,programme\n", "the roster has no rows"),
        ("r.yaml", "patient: Ann\n", "a YAML roster must be a list of rows"),
        (
            "r.yaml",
            "- patient: Ann\n  levle: 2\n",
            'unknown column "levle" (did you mean "level"?)',
        ),
        ("r.yaml", "", "the roster is empty"),
        ("r.yaml", "- patient: 'Ann\n", "r.yaml:1: YAML syntax: a quote is not closed"),
        ("r.yaml", "- patient: [Ann\n", "r.yaml:"),
        ("r.txt", "patient\nAnn\n", "a roster must be a .csv or .yaml file"),
    ],
)
def test_file_problems_are_one_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    with pytest.raises(RosterError) as caught:
        read_roster(write(tmp_path, name, text))
    assert message in caught.value.format_message()
    assert "\n" not in caught.value.format_message()


def test_columns_it_does_not_use_are_ignored_with_a_warning(tmp_path: Path) -> None:
    text = "Patient,Email,Phone,Ticket,Phone\nAnn,ann@example.org,555,A12,556\n"
    roster = read_roster(write(tmp_path, "r.csv", text))
    assert roster.columns == ("patient", "email")
    assert roster.warnings == (
        f'{tmp_path / "r.csv"}: ignoring columns "phone", "ticket" (handouts does not use them)',
    )
    (row,) = roster.rows
    assert (row.patient, row.email, row.error) == ("Ann", "ann@example.org", None)
    yaml_roster = read_roster(write(tmp_path, "r.yaml", "- patient: Ann\n  status: paid\n"))
    assert yaml_roster.warnings == (
        f'{tmp_path / "r.yaml"}: ignoring column "status" (handouts does not use it)',
    )


def test_a_column_beside_the_one_it_resembles_is_not_a_misspelling(tmp_path: Path) -> None:
    text = "Patient,Patient ID,Email,Email 2,Clinic\nAnn,7,ann@example.org,mum@example.org,X\n"
    roster = read_roster(write(tmp_path, "r.csv", text))
    assert roster.warnings == (
        f'{tmp_path / "r.csv"}: ignoring columns "patient id", "email 2", "clinic" '
        "(handouts does not use them)",
    )
    with pytest.raises(RosterError, match='"levle" \\(did you mean "level"\\?\\)'):
        read_roster(write(tmp_path, "t.csv", "patient,levle\nAnn,1\n"))


@pytest.mark.parametrize(
    "address",
    ["a@example.org; b@example.org", "a@example.org, b@example.org", "a@example.org,b"],
)
def test_email_is_one_address(tmp_path: Path, address: str) -> None:
    (row,) = read_roster(write(tmp_path, "r.csv", f'patient,email\nAnn,"{address}"\n')).rows
    assert row.email_error == f"email: {address!r} is more than one address; give exactly one"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("n/a", "email: 'n/a' is not an e-mail address"),
        ("cat@gmail", "email: 'cat@gmail' is not an e-mail address"),
        ("cat@example.org.", "email: 'cat@example.org.' is not an e-mail address"),
        ("dan@example..org", "email: 'dan@example..org' is not an e-mail address"),
        ("", "email: no address (needed for --email)"),
    ],
)
def test_an_unusable_address_does_not_stop_the_handout(
    tmp_path: Path, address: str, message: str
) -> None:
    (row,) = read_roster(write(tmp_path, "r.csv", f"patient,email\nAnn,{address}\n")).rows
    assert (row.error, row.email_error) == (None, message)


def test_roster_that_is_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "patient\nZoë\n", encoding="latin-1")
    with pytest.raises(RosterError, match=r"r.csv:2: not UTF-8 text; save the roster as UTF-8"):
        read_roster(path)


def test_yaml_values_are_checked_like_csv_ones(tmp_path: Path) -> None:
    text = (
        "- patient: Ann\n  level: true\n- Ben\n- patient: Cat\n  note: [a, b]\n  password: 1234\n"
    )
    ann, ben, cat = read_roster(write(tmp_path, "r.yaml", text)).rows
    assert "level: 'true' is not a level" in ann.error
    assert ben.error == "not a mapping of column: value"
    assert cat.error == "note: must be text, not ['a', 'b']"
    assert cat.password == "1234"
    assert [row.number for row in (ann, ben, cat)] == [1, 3, 4]  # the line of each entry


def test_impossible_yaml_date_fails_its_row_only(tmp_path: Path) -> None:
    text = (
        "- patient: Ann\n  start: 2026-02-30\n- patient: Bob\n  start: 2026-03-02\n"
        "- patient: Cat\n  start: !!timestamp 2026-02-29\n- patient: No\n  level: 010\n"
        "  email: a@b.org\n  email: c@b.org\n"
    )
    ann, bob, cat, no = read_roster(write(tmp_path, "r.yaml", text)).rows
    assert ann.error == "start: '2026-02-30' is not a date (use YYYY-MM-DD, e.g. 2026-03-02)"
    assert (bob.start, bob.error) == (dt.date(2026, 3, 2), None)
    assert cat.error == "start: '2026-02-29' is not a date (use YYYY-MM-DD, e.g. 2026-03-02)"
    assert (no.patient, no.level) == ("No", 10)  # YAML 1.1 would read false and 8
    assert no.error == "email: given more than once"
