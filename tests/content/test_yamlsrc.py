"""YAML reading with line numbers, duplicate keys and friendly syntax errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handouts.content.yamlsrc import YamlDoc, dotted, parse_yaml, read_utf8


def lines(text: str, first_line: int = 1) -> list[str]:
    _, problems = parse_yaml(text, "f.yaml", first_line)
    return [str(p) for p in problems]


def test_records_the_line_of_every_field_path():
    doc, problems = parse_yaml(
        "id: x\nlevels:\n  - level: 1\n    reps: 10\n\n  - level: 2\n    reps: 12\n", "f.yaml"
    )
    assert problems == []
    assert doc.data == {"id": "x", "levels": [{"level": 1, "reps": 10}, {"level": 2, "reps": 12}]}
    assert doc.lines[("levels",)] == 2
    assert doc.lines[("levels", 1)] == 6
    assert doc.lines[("levels", 1, "reps")] == 7


def test_line_falls_back_to_the_nearest_parent():
    doc, _ = parse_yaml("a: 1\nlevels:\n  - level: 1\n", "f.yaml")
    assert doc.line(("levels", 0, "reps")) == 3  # missing key: the mapping that lacks it
    assert doc.line(("nothing", "here")) == 1  # the root mapping
    assert YamlDoc(None).line(("x",)) == 0


def test_first_line_offsets_every_line():
    doc, _ = parse_yaml("id: x\ntitle: y\n", "s.md", first_line=2)
    assert doc.line(("title",)) == 3
    assert lines("id: [\n", first_line=2) == [
        'f.yaml:3: YAML syntax: a value is missing (or a "[" or "{" is not closed)'
    ]


def test_duplicate_keys_are_problems_at_any_depth():
    text = "id: a\nname: b\nlevels:\n  - reps: 1\n    sets: 2\n    reps: 3\nid: c\n"
    assert lines(text) == [
        'f.yaml:7: id: duplicate key "id" (first on line 1)',
        'f.yaml:6: levels[0].reps: duplicate key "reps" (first on line 4)',
    ]


def test_duplicate_key_still_gives_data():
    doc, problems = parse_yaml("a: 1\na: 2\n", "f.yaml")
    assert doc.data == {"a": 2} and len(problems) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "steps:\n  - Rise.\n - Lower.\n",
            "f.yaml:3: YAML syntax: indentation does not line up with the lines above "
            "(or a list and fields are mixed)",
        ),
        ('a: "open\nb: 2\n', "f.yaml:1: YAML syntax: a quote is not closed"),
        ("a: [1, 2\nb: 3\n", 'f.yaml:2: YAML syntax: a "[" list is not closed with "]"'),
        (
            "name: Calf raise: slow\n",
            'f.yaml:1: YAML syntax: unexpected ":"; check the indentation, or put text that '
            'contains ": " in quotes',
        ),
        ("a:\n\tb: 1\n", "f.yaml:2: YAML syntax: tab character; indent with spaces"),
        (  # PyYAML notices the missing colon of line 2 only on line 3
            "id: a\nsummary Step up\ntargets: [x]\n",
            'f.yaml:2: YAML syntax: this line has no ":" after its field name; '
            'write it as "name: value"',
        ),
        (
            "levels:\n  - level: 1\n    label Low\n    sets: 3\n",
            'f.yaml:3: YAML syntax: this line has no ":" after its field name; '
            'write it as "name: value"',
        ),
        ("a: @x\n", "f.yaml:1: YAML syntax: a value cannot start with '@'; put the text in quotes"),
        ("a: *nope\n", "f.yaml:1: YAML syntax: text starting with * must be in quotes"),
        (
            "a: 1\n---\nb: 2\n",
            "f.yaml:2: YAML syntax: only one YAML document per file (remove the extra '---')",
        ),
        (
            "? [a]\n: 1\n",
            "f.yaml:1: YAML syntax: a key must be plain text, not a list or mapping",
        ),
        ("a: b\x01\n", "f.yaml:1: character '\\x01' is not allowed in YAML"),
    ],
)
def test_syntax_errors_are_one_plain_line(text, expected):
    assert lines(text) == [expected]


@pytest.mark.parametrize("first_line", [1, 5])
def test_a_date_not_in_the_calendar_is_a_problem_at_its_line(first_line):
    doc, problems = parse_yaml("id: x\nstart: 2026-02-30\n", "p.yaml", first_line)
    assert doc is None
    assert [str(p) for p in problems] == [
        f"p.yaml:{first_line + 1}: YAML syntax: 2026-02-30 is not a date in the calendar; "
        "write it as YYYY-MM-DD"
    ]
    assert parse_yaml("start: 2028-02-29\n", "p.yaml")[0].data == {"start": dt.date(2028, 2, 29)}


def test_python_tags_are_refused_not_run():
    assert lines("a: !!python/object/apply:os.system [echo hi]\n") == [
        "f.yaml:1: YAML syntax: unsupported YAML tag !!python/object/apply:os.system"
    ]


def test_yaml_1_2_scalars():
    doc, _ = parse_yaml(
        "rest: 1:30\ntempo: 3:1:1\nreps: 010\nside: yes\nno: No\nflag: true\nn: 12\n"
        "f: 1.5\nh: 0x1F\nd: 2025-03-01\nnothing: ~\n",
        "f.yaml",
    )
    assert doc.data == {
        "rest": "1:30",  # YAML 1.1 would give 90
        "tempo": "3:1:1",
        "reps": "010",
        "side": "yes",
        "no": "No",
        "flag": True,
        "n": 12,
        "f": 1.5,
        "h": 31,
        "d": dt.date(2025, 3, 1),
        "nothing": None,
    }


def test_empty_document():
    doc, problems = parse_yaml("# only a comment\n", "f.yaml")
    assert doc.data is None and problems == []


def test_aliases_and_merge_keys():
    doc, problems = parse_yaml("base: &b {sets: 3}\nx:\n  <<: *b\n  reps: 5\ny: *b\n", "f.yaml")
    assert problems == []
    assert doc.data["x"] == {"sets": 3, "reps": 5}
    assert doc.data["y"] == {"sets": 3}


def test_recursive_alias_does_not_hang():
    doc, problems = parse_yaml("a: &a [*a]\n", "f.yaml")  # it holds itself: endless expanded
    endless = "an alias (*name) holds the value it names, which never ends; write the value out"
    assert doc is None and [str(p) for p in problems] == [f"f.yaml:1: {endless}"]


def test_read_utf8(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_bytes("\ufeffname: Café\n".encode())
    assert read_utf8(good, "good.yaml") == ("name: Café\n", [])
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: x\nname: Caf\xe9\n")
    text, problems = read_utf8(bad, "bad.yaml")
    assert text is None
    assert [str(p) for p in problems] == [
        "bad.yaml:2: not UTF-8 text (byte 0xE9); save the file as UTF-8"
    ]
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes("id: x\n".encode("utf-16"))
    assert [str(p) for p in read_utf8(utf16, "utf16.yaml")[1]] == [
        "utf16.yaml:1: saved as UTF-16; save the file as UTF-8"
    ]
    text, problems = read_utf8(tmp_path / "gone.yaml", "gone.yaml")
    assert text is None and str(problems[0]).startswith("gone.yaml: cannot read file:")


def test_dotted():
    assert dotted(("levels", 1, "reps")) == "levels[1].reps"
    assert dotted((2, "title")) == "[2].title"
    assert dotted(()) == ""


REPO = Path(__file__).resolve().parents[2]
SNIPPETS = [
    "a: yes\nb: 010\nc: 1_000\nd: 0x1F\ne: .5\nf: 1e3\ng: ~\nh: 2026-03-01\n",
    "steps:\n  - >\n    Folded\n    text\n  - |\n    Literal\n    text\nx: 'it''s'\n",
    "base: &b {sets: 3, reps: '10'}\nlevel:\n  <<: *b\n  sets: 4\n",
]


@pytest.mark.parametrize(
    "text",
    SNIPPETS
    + [path.read_text(encoding="utf-8") for path in sorted((REPO / "content").rglob("*.yaml"))],
)
def test_libyaml_and_pyyaml_read_the_same_data_and_lines(text: str) -> None:
    from handouts.content import yamlsrc

    results = []
    for loader_class in (yamlsrc._FastLoader, yamlsrc._Loader):
        loader = loader_class(text)
        try:
            results.append(yamlsrc._compose_and_construct(loader, "f.yaml", 1))
        finally:
            loader.dispose()
    (fast, fast_problems), (plain, plain_problems) = results
    assert (fast.data, fast.lines, fast_problems) == (plain.data, plain.lines, plain_problems)
