"""Loading content folders: models, origins, overrides and every problem in one run."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts import paths
from handouts.content.library import Library
from handouts.content.loader import load_brand_file, load_library
from handouts.content.models import Patient
from handouts.content.workspace import Workspace, load_workspace
from handouts.errors import ContentError

FIXTURES = Path(__file__).parents[1] / "fixtures"

INVALID_PROBLEMS = [
    "invalid/brands/bad-colour.yaml:2: primary: colour '#abc' must be six-digit hex "
    'such as "#1F5F8B"',
    'invalid/exercises/dup-b.yaml:1: id: duplicate exercise id "duplicate" '
    "(also in invalid/exercises/dup-a.yaml)",
    "invalid/exercises/latin1.yaml:2: not UTF-8 text (byte 0xE9); save the file as UTF-8",
    "invalid/exercises/missing.yaml:1: safety: missing (required)",
    "invalid/exercises/outside.yaml:10: image: file is outside the content folder; "
    "copy it in and give its path from this file's folder",
    "invalid/exercises/syntax.yaml:5: YAML syntax: indentation does not line up with the lines "
    "above (or a list and fields are mixed)",
    'invalid/exercises/typo.yaml:14: levels[0].rets: unknown field (did you mean "reps"?)',
    'invalid/programmes/plan.yaml:6: sections[0]: unknown section "warmup" '
    '(did you mean "warm-up"?)',
    'invalid/programmes/plan.yaml:7: sources[0]: unknown source "smith-2021" '
    '(did you mean "smith-2020"?)',
    "invalid/programmes/plan.yaml:11: phases[0].exercises[0].exercise: unknown exercise "
    '"calf-raize" (did you mean "calf-raise"?)',
    "invalid/programmes/plan.yaml:13: phases[0].exercises[1].level: no level 5: exercise "
    "calf-raise has levels 1–2",
    'invalid/sections/bad.md:3: titel: unknown field (did you mean "title"?)',
    "invalid/sources.yaml:3: [1].title: missing (required)",
]

EXERCISE = """\
id: calf-raise
name: Calf raise
summary: Rise and lower.
targets: [Calf]
position: Standing
steps: [Rise., Lower.]
safety: Stop if it hurts.
levels:
  - level: 1
    label: Two legs
    sets: 3
    reps: 15
  - level: 2
    label: One leg
    sets: 3
    reps: 12
"""

PROGRAMME = """\
id: plan
title: Plan
summary: A plan.
weeks: 2
sessions_per_week: 3
phases:
  - weeks: 1-2
    exercises:
      - exercise: calf-raise
        level: 2
"""


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems_in(*dirs: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_library(list(dirs), include_builtin=False)
    return [str(p) for p in caught.value.problems]


def tmp_problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = write(tmp_path / "c", files)
    return [line.split("/c/", 1)[-1] for line in problems_in(root)]


# --------------------------------------------------------------------------- valid content


def test_valid_fixture_loads():
    library = load_library([Path("valid")], include_builtin=False)
    assert isinstance(library, Library)
    assert sorted(library.exercises) == ["calf-raise", "wall-sit"]
    assert list(library.sections) == ["warm-up"]
    assert list(library.programmes) == ["knee-basics"]
    assert list(library.brands) == ["clinic"]
    assert sorted(library.sources) == ["jones-2019", "smith-2020"]

    calf = library.exercises["calf-raise"]
    assert [lv.reps for lv in calf.levels] == ["15", "12 per leg", "10", "8"]  # numbers as text
    assert calf.levels[0].rest == "1:30"  # not 90 (YAML 1.1 base 60)
    assert calf.levels[1].per_side is True  # "yes" still works for a boolean
    assert library.brands["clinic"].primary == "#1F5F8B"
    assert library.brands["clinic"].contact == ["01234 567890"]

    section = library.sections["warm-up"]
    assert section.body.startswith("## Before you start")
    assert section.body_line == 9
    assert library.programmes["knee-basics"].phases[1].weeks == (3, 4)


def test_origins_and_resolved_paths():
    library = load_library([Path("valid")], include_builtin=False)
    assert library.origin("exercises", "calf-raise") == FIXTURES / "valid/exercises/calf-raise.yaml"
    assert library.origin("exercise", "calf-raise") == library.origin("exercises", "calf-raise")
    assert library.origin("sources", "jones-2019") == FIXTURES / "valid/sources.yaml"
    assert library.image_path("calf-raise") == FIXTURES / "valid/images/calf-raise.png"
    assert library.image_path("wall-sit") is None
    assert library.logo_path("clinic") == FIXTURES / "valid/images/logo.png"
    assert library.kinds_of("warm-up") == ["sections"]
    assert not library.is_builtin("exercises", "calf-raise")
    with pytest.raises(KeyError):
        library.origin("exercises", "nope")
    with pytest.raises(ValueError, match="unknown kind"):
        library.items("widgets")


def test_clinic_item_replaces_builtin(monkeypatch):
    monkeypatch.setattr(paths, "builtin_content_dir", lambda: FIXTURES / "valid")
    library = load_library([Path("clinic")])
    assert library.exercises["calf-raise"].name == "Calf raise (clinic version)"
    assert (
        library.origin("exercises", "calf-raise") == FIXTURES / "clinic/exercises/calf-raise.yaml"
    )
    assert not library.is_builtin("exercises", "calf-raise")
    assert library.is_builtin("exercises", "wall-sit")
    assert library.replaced[("exercises", "calf-raise")] == (
        FIXTURES / "valid/exercises/calf-raise.yaml"
    )
    assert sorted(library.exercises) == ["calf-raise", "step-up", "wall-sit"]
    assert library.dirs == [FIXTURES / "valid", FIXTURES / "clinic"]


def test_same_folder_twice_is_loaded_once():
    library = load_library([Path("valid"), FIXTURES / "valid"], include_builtin=False)
    assert library.dirs == [FIXTURES / "valid"]


def test_replacement_is_checked_against_references(tmp_path):
    one_level = EXERCISE.split("  - level: 2")[0]
    base = write(
        tmp_path / "base",
        {"exercises/calf-raise.yaml": EXERCISE, "programmes/plan.yaml": PROGRAMME},
    )
    clinic = write(tmp_path / "clinic", {"exercises/calf-raise.yaml": one_level})
    assert [p.split("/base/")[-1] for p in problems_in(base, clinic)] == [
        "programmes/plan.yaml:10: phases[0].exercises[0].level: no level 2: "
        "exercise calf-raise has only level 1"
    ]


def test_builtin_content_loads_when_present():
    if not any((paths.builtin_content_dir() / "exercises").glob("*.yaml")):
        pytest.skip("no built-in content yet")
    library = load_library()
    assert library.exercises and all(
        library.is_builtin("exercises", exercise_id) for exercise_id in library.exercises
    )


# --------------------------------------------------------------------------- problems


def test_invalid_fixture_reports_every_problem_from_every_file():
    assert problems_in(Path("invalid")) == INVALID_PROBLEMS


def test_lenient_load_keeps_what_is_sound_and_lists_every_problem():
    library = load_library([Path("invalid")], include_builtin=False, lenient=True)
    assert [str(p) for p in library.problems] == INVALID_PROBLEMS
    # Both "duplicate" exercises, the programme with bad references, the broken brand
    # and the source without a title are left out; the sound items stay.
    assert list(library.exercises) == ["calf-raise"]
    assert (list(library.sections), list(library.sources)) == (["warm-up"], ["smith-2020"])
    assert not library.programmes and not library.brands


def test_lenient_load_leaves_out_users_of_a_broken_item_and_never_falls_back(tmp_path):
    base = write(
        tmp_path / "base",
        {"exercises/calf-raise.yaml": EXERCISE, "programmes/plan.yaml": PROGRAMME},
    )
    broken = EXERCISE.replace("safety: Stop if it hurts.\n", "")
    clinic = write(tmp_path / "clinic", {"exercises/calf-raise.yaml": broken})
    library = load_library([base, clinic], include_builtin=False, lenient=True)
    assert [p.message for p in library.problems] == ["missing (required)"]
    # The clinic's broken version hides the base one; the plan that uses it goes too.
    assert not library.exercises and not library.programmes
    assert load_library([base], include_builtin=False, lenient=True).programmes


def test_text_is_normalised_and_invisible_characters_dropped(tmp_path):
    decomposed = EXERCISE.replace("name: Calf raise", "name: Rene\u0301e\u200b's calf\ufeff raise")
    root = write(tmp_path / "c", {"exercises/calf-raise.yaml": decomposed})
    exercise = load_library([root], include_builtin=False).exercises["calf-raise"]
    assert exercise.name == "Ren\u00e9e's calf raise"
    patient = Patient(name="  Zoe\u0308\tO\u200fBrien\n", note="Line one.\nLine two.")
    assert patient.name == "Zo\u00eb OBrien"
    assert patient.note == "Line one.\nLine two."  # a note keeps its line breaks


def test_content_error_lists_problems_then_a_count():
    with pytest.raises(ContentError) as caught:
        load_library([Path("invalid")], include_builtin=False)
    assert caught.value.lines() == [*INVALID_PROBLEMS, "13 problems found"]


def test_missing_field_points_at_the_mapping_that_lacks_it(tmp_path):
    text = EXERCISE.replace("    reps: 12\n", "")
    assert tmp_problems(tmp_path, {"exercises/x.yaml": text}) == [
        "exercises/x.yaml:13: levels[1].reps: missing (required)"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("id: calf-raise", "id: Calf_Raise"),
            'exercises/x.yaml:1: id: "Calf_Raise" is not an id: use lowercase letters, digits and '
            'single hyphens, such as "calf-raise"',
        ),
        (("name: Calf raise", "name:"), "exercises/x.yaml:2: name: has no value"),
        (
            ("targets: [Calf]", "targets: Calf"),
            'exercises/x.yaml:4: targets: expected a list, found "Calf"',
        ),
        (("steps: [Rise., Lower.]", "steps: []"), "exercises/x.yaml:6: steps: must not be empty"),
        (
            ("    sets: 3\n    reps: 15", "    sets: three\n    reps: 15"),
            'exercises/x.yaml:11: levels[0].sets: expected a whole number, found "three"',
        ),
        (
            ("    sets: 3\n    reps: 15", "    sets: 30\n    reps: 15"),
            "exercises/x.yaml:11: levels[0].sets: must be 20 or less, found the number 30",
        ),
        (
            ("    sets: 3\n    reps: 15", "    sets: 2.5\n    reps: 15"),
            "exercises/x.yaml:11: levels[0].sets: expected a whole number, found the number 2.5",
        ),
        (
            ("    reps: 15", "    reps: [15]"),
            "exercises/x.yaml:12: levels[0].reps: expected text, found a list",
        ),
        (
            ("steps: [Rise., Lower.]", "steps:\n  - Rise.\n  - Hold: 2 s"),
            'exercises/x.yaml:8: steps[1]: expected text, found a mapping; text with ": " in '
            "it goes in quotes",
        ),
        (
            ("    reps: 15", "    reps: true"),
            "exercises/x.yaml:12: levels[0].reps: expected text, found true; "
            "put it in quotes to keep it as text",
        ),
        (
            ("  - level: 2", "  - level: 3"),
            "exercises/x.yaml:8: levels: levels must be numbered 1, 2, 3… in order; found [1, 3]",
        ),
        (
            ("safety: Stop if it hurts.", "safety: Stop.\nvideo: www.example.org"),
            'exercises/x.yaml:8: video: "www.example.org" is not a web address: it must start with '
            "https:// or http://",
        ),
        (
            ("levels:", "Levels:"),
            'exercises/x.yaml:8: Levels: unknown field (did you mean "levels"?)',
        ),
        (
            ("safety: Stop if it hurts.", "safety: Stop.\ncolour: red"),
            "exercises/x.yaml:8: colour: unknown field",
        ),
        (
            ("safety: Stop if it hurts.", "safety: Stop.\n1: one"),
            "exercises/x.yaml:8: field name 1 must be text",
        ),
    ],
)
def test_exercise_messages(tmp_path, change, expected):
    old, new = change
    assert old in EXERCISE
    assert tmp_problems(tmp_path, {"exercises/x.yaml": EXERCISE.replace(old, new, 1)}) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            "exercises/x.yaml:1: no fields here (is the file empty?); write one a line, "
            "such as 'name: …'",
        ),
        (
            "- a\n- b\n",
            "exercises/x.yaml:1: expected a mapping of fields such as 'name: …', found a list",
        ),
        (
            "just text\n",
            "exercises/x.yaml:1: expected a mapping of fields such as 'name: …', found text",
        ),
    ],
)
def test_file_that_is_not_a_mapping(tmp_path, text, expected):
    assert tmp_problems(tmp_path, {"exercises/x.yaml": text}) == [expected]


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        ('"1-x"', 'phases[0].weeks: use a week or a week range such as "1-2"'),
        ('"2-1"', "phases[0].weeks: week range 2-1 must start at 1 or later and not run backwards"),
        ("[1, 2, 3]", "phases[0].weeks: too many items (at most 2)"),
        ("1", "phases: end at week 1, but the programme has 2 weeks"),  # at "phases:"
    ],
)
def test_programme_weeks(tmp_path, weeks, expected):
    files = {
        "exercises/calf-raise.yaml": EXERCISE,
        "programmes/plan.yaml": PROGRAMME.replace("weeks: 1-2", f"weeks: {weeks}"),
    }
    assert tmp_problems(tmp_path, files) == [
        f"programmes/plan.yaml:{7 if 'phases[' in expected else 6}: {expected}"
    ]


def test_an_unknown_field_does_not_hide_the_other_problems_of_its_file(tmp_path):
    programme = PROGRAMME.replace("weeks: 2\n", "weeks: 2\nrets: 3\nsections: [warmup]\n")
    programme = programme.replace("level: 2", "level: 5")
    problems = tmp_problems(
        tmp_path, {"exercises/calf-raise.yaml": EXERCISE, "programmes/plan.yaml": programme}
    )
    assert problems == [
        'programmes/plan.yaml:5: rets: unknown field (did you mean "parts"?)',
        'programmes/plan.yaml:6: sections[0]: unknown section "warmup"',
        "programmes/plan.yaml:12: phases[0].exercises[0].level: no level 5: exercise "
        "calf-raise has levels 1–2",
    ]


def test_a_check_across_fields_does_not_hide_the_references(tmp_path):
    programme = PROGRAMME.replace("weeks: 1-2", "weeks: 2-2").replace(
        "sessions_per_week: 3\n", "sessions_per_week: 3\nsections: [warmup]\n"
    )
    problems = tmp_problems(
        tmp_path, {"exercises/calf-raise.yaml": EXERCISE, "programmes/plan.yaml": programme}
    )
    assert problems == [
        'programmes/plan.yaml:6: sections[0]: unknown section "warmup"',
        "programmes/plan.yaml:7: phases: must cover weeks 1–2 in order without gaps or "
        "overlaps; Week 2 should start at week 1",
    ]


def test_broken_exercise_is_not_also_an_unknown_reference(tmp_path):
    files = {
        "exercises/calf-raise.yaml": EXERCISE.replace("safety: Stop if it hurts.\n", ""),
        "programmes/plan.yaml": PROGRAMME,
    }
    assert tmp_problems(tmp_path, files) == [
        "exercises/calf-raise.yaml:1: safety: missing (required)"
    ]


def test_duplicate_source_in_one_file(tmp_path):
    files = {
        "sources.yaml": "- id: a\n  title: A\n- id: b\n  title: B\n- id: a\n  title: A again\n"
    }
    assert tmp_problems(tmp_path, files) == [
        'sources.yaml:5: [2].id: duplicate source id "a" (also on line 1)'
    ]


def test_unreadable_sources_file_does_not_flag_every_citation(tmp_path):
    files = {
        "sources.yaml": "- id: a\n  title: [\n",
        "exercises/x.yaml": EXERCISE + "sources: [a]\n",
    }
    assert tmp_problems(tmp_path, files) == [
        'sources.yaml:3: YAML syntax: a value is missing (or a "[" or "{" is not closed)'
    ]


def test_sources_file_must_be_a_list(tmp_path):
    assert tmp_problems(tmp_path, {"sources.yaml": "a: b\n"}) == [
        "sources.yaml:1: expected a list of sources (lines starting with '- id:'), found a mapping"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# no front matter\n",
            "sections/s.md:1: must start with a '---' line (YAML front matter)",
        ),
        ("---\nid: s\ntitle: S\n", "sections/s.md:1: front matter has no closing '---' line"),
        (
            "---\nid: s\ntitle: S\nbody: hi\n---\ntext\n",
            "sections/s.md:4: body: unknown field "
            "(the Markdown after the front matter is the body)",
        ),
        (
            "---\nid: s\ntitle: [\n---\ntext\n",
            'sections/s.md:3: YAML syntax: a value is missing (or a "[" or "{" is not closed)',
        ),
        (
            "---\nid: s\ntitle: S\nsources: [nope]\n---\ntext\n",
            'sections/s.md:4: sources[0]: unknown source "nope"',
        ),
    ],
)
def test_section_problems(tmp_path, text, expected):
    assert tmp_problems(tmp_path, {"sections/s.md": text}) == [expected]


def test_image_and_logo_files(tmp_path):
    files = {
        "exercises/x.yaml": EXERCISE.replace("safety:", "image: pics/none.png\nsafety:"),
        "brands/clinic.yaml": "name: Clinic\nlogo: /etc/hostname\n",
        "brands/Bad Name.yaml": "name: Clinic\n",
    }
    assert tmp_problems(tmp_path, files) == [
        'brands/Bad Name.yaml: brand file name must be an id such as "clinic.yaml" '
        "(lowercase letters, digits, hyphens)",
        "brands/clinic.yaml:2: logo: file is outside the content folder; "
        "copy it in and give its path from this file's folder",
        f"exercises/x.yaml:7: image: file not found: {tmp_path}/c/exercises/pics/none.png; "
        "give its path from this file's folder",
    ]


def test_a_colour_without_quotes_is_a_comment_and_the_message_says_so(tmp_path):
    files = {"brands/clinic.yaml": 'name: Clinic\nprimary: #1F5F8B\naccent: "#E07A2F"\n'}
    assert tmp_problems(tmp_path, files) == [
        "brands/clinic.yaml:2: primary: has no value; put the colour in quotes, "
        'such as "#1F5F8B" ("#" starts a comment)'
    ]


def test_duplicate_brand_by_file_stem(tmp_path):
    files = {"brands/clinic.yaml": "name: A\n", "brands/clinic.yml": "name: B\n"}
    assert tmp_problems(tmp_path, files) == [
        'brands/clinic.yml:1: duplicate brand id "clinic" '
        f"(also in {tmp_path}/c/brands/clinic.yaml)"
    ]


def test_folder_problems(tmp_path):
    (tmp_path / "empty").mkdir()
    assert problems_in(tmp_path / "empty", tmp_path / "gone") == [
        f"{tmp_path}/empty: not a content folder: no exercises/, sections/, programmes/, "
        "brands/ or sources.yaml",
        f"{tmp_path}/gone: content folder not found",
    ]
    (tmp_path / "clinic" / "exercises").mkdir(parents=True)
    assert problems_in(tmp_path / "clinic" / "exercises") == [
        f"{tmp_path}/clinic/exercises: not a content folder: no exercises/, sections/, "
        "programmes/, brands/ or sources.yaml; give the folder that holds it"
    ]


# --------------------------------------------------------------------------- brand file


def test_load_brand_file():
    brand, logo = load_brand_file(Path("valid/brands/clinic.yaml"))
    assert brand.name == "Riverside Physio"
    assert logo == FIXTURES / "valid/images/logo.png"


def test_load_brand_file_problems(tmp_path):
    path = write(tmp_path, {"brand.yaml": 'name: X\naccent: "#12345"\nlogo: logo.png\n'})
    with pytest.raises(ContentError) as caught:
        load_brand_file(path / "brand.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/brand.yaml:2: accent: colour '#12345' must be six-digit hex such as "
        '"#1F5F8B"'
    ]
    with pytest.raises(ContentError, match="brand file not found"):
        load_brand_file(tmp_path / "nope.yaml")


def test_load_brand_file_missing_logo(tmp_path):
    path = write(tmp_path, {"brand.yaml": "name: X\nlogo: logo.png\n"}) / "brand.yaml"
    with pytest.raises(ContentError) as caught:
        load_brand_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/brand.yaml:2: logo: file not found: {tmp_path}/logo.png; "
        "give its path from this file's folder"
    ]


def test_load_brand_file_keeps_the_logo_inside_its_folder(tmp_path):
    write(tmp_path, {"logo.png": "", "clinic/brand.yaml": "name: X\nlogo: ../logo.png\n"})
    with pytest.raises(ContentError) as caught:
        load_brand_file(tmp_path / "clinic/brand.yaml")
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/clinic/brand.yaml:2: logo: file is outside the content folder; "
        "copy it in and give its path from this file's folder"
    ]


# --------------------------------------------------------------------------- workspace


def test_no_workspace_file(tmp_path):
    assert load_workspace(tmp_path) == Workspace()


def test_workspace_settings(tmp_path):
    write(
        tmp_path,
        {
            "handouts.yaml": "content: [clinic, more]\nbrand: clinic/brand.yaml\n"
            "smtp: {host: mail.example.org, port: 587}\n",
            "clinic/brand.yaml": "name: X\n",
            "more/sources.yaml": "[]\n",
        },
    )
    workspace = load_workspace(tmp_path)
    assert workspace.file == tmp_path / "handouts.yaml"
    assert workspace.content == (tmp_path / "clinic", tmp_path / "more")
    assert workspace.brand == tmp_path / "clinic/brand.yaml"
    assert workspace.smtp == {"host": "mail.example.org", "port": 587}


def test_workspace_single_folder_and_empty_file(tmp_path):
    write(tmp_path, {"handouts.yaml": "content: .\n"})
    assert load_workspace(tmp_path).content == (tmp_path,)
    write(tmp_path, {"handouts.yaml": "# nothing yet\n"})
    assert load_workspace(tmp_path) == Workspace(file=tmp_path / "handouts.yaml")


def test_workspace_problems(tmp_path):
    write(tmp_path, {"handouts.yaml": "contents: [a]\nbrand: b.yaml\nsmtp: yes\n"})
    with pytest.raises(ContentError) as caught:
        load_workspace(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f'{tmp_path}/handouts.yaml:1: contents: unknown field (did you mean "content"?)',
        f'{tmp_path}/handouts.yaml:3: smtp: expected a mapping, found "yes"',
    ]
    write(tmp_path, {"handouts.yaml": "content: [a, .]\nbrand: b.yaml\n"})
    with pytest.raises(ContentError) as caught:
        load_workspace(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/handouts.yaml:1: content[0]: folder not found: {tmp_path}/a",
        f"{tmp_path}/handouts.yaml:2: brand: file not found: {tmp_path}/b.yaml; give the "
        "brand file's path from this file, such as brands/clinic.yaml, or a brand id",
    ]


def test_workspace_brand_by_id(tmp_path):
    write(tmp_path, {"handouts.yaml": "content: [.]\nbrand: clinic\n", "brands/clinic.yaml": ""})
    assert load_workspace(tmp_path).brand == tmp_path / "brands/clinic.yaml"
    write(tmp_path, {"handouts.yaml": "brand: demo\n"})
    assert load_workspace(tmp_path).brand == paths.builtin_content_dir() / "brands/demo.yaml"


# --------------------------------------------------------------------------- fuzzing

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 30),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["calf-raise", "1-2", "#1F5F8B", "../x.png", "a4"]),
)
field_names = st.sampled_from(
    [
        "id",
        "name",
        "summary",
        "levels",
        "level",
        "reps",
        "sets",
        "rets",
        "weeks",
        "phases",
        "exercises",
        "exercise",
        "image",
        "logo",
        "sources",
        "title",
        "primary",
        "tags",
        "x",
    ]
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(field_names, children, max_size=5)
    ),
    max_leaves=20,
)
VALID_EXERCISE = yaml.safe_load(EXERCISE)


@st.composite
def mutated_exercises(draw):
    data = yaml.safe_load(EXERCISE)
    for _ in range(draw(st.integers(1, 3))):
        levels = data.get("levels") if isinstance(data.get("levels"), list) else []
        levels = [lv for lv in levels if isinstance(lv, dict) and lv]
        target = draw(st.sampled_from([data, *levels]))
        if not target:
            break
        key = draw(st.sampled_from(sorted(target)))
        action = draw(st.sampled_from(["delete", "replace", "rename"]))
        if action == "delete":
            del target[key]
        elif action == "replace":
            target[key] = draw(documents)
        else:
            target[draw(field_names)] = target.pop(key)
    return data


_fuzz_root = Path(tempfile.mkdtemp(prefix="handouts-fuzz-"))


def _load_text(folder: str, name: str, text: str) -> None:
    shutil.rmtree(_fuzz_root, ignore_errors=True)
    path = _fuzz_root / folder / name
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(ContentError):
        load_library([_fuzz_root], include_builtin=False)


_FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_FUZZ
@given(
    documents,
    st.sampled_from(
        [
            ("exercises", "x.yaml"),
            ("programmes", "p.yaml"),
            ("brands", "b.yaml"),
            (".", "sources.yaml"),
        ]
    ),
)
def test_fuzz_random_documents_only_raise_content_error(document, place):
    _load_text(*place, yaml.safe_dump(document, allow_unicode=True))


@_FUZZ
@given(mutated_exercises())
def test_fuzz_mutated_exercise_only_raises_content_error(document):
    _load_text("exercises", "x.yaml", yaml.safe_dump(document, allow_unicode=True))


@_FUZZ
@given(documents)
def test_fuzz_section_front_matter_only_raises_content_error(document):
    front = yaml.safe_dump(document, allow_unicode=True)
    _load_text("sections", "s.md", f"---\n{front}---\nBody.\n")


@_FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{}\"'#&*!|>\n\t%@`,?~1\u00e9")), max_size=40))
def test_fuzz_raw_text_only_raises_content_error(text):
    _load_text("exercises", "x.yaml", text)
