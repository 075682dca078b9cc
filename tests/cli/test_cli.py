"""The command line: output, exit codes, and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from handouts import __version__, paths
from handouts.cli.app import main

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch):
    monkeypatch.chdir(FIXTURES)
    monkeypatch.delenv("HANDOUTS_NO_BUILTIN", raising=False)


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["--no-builtin", *args], env=env)


def test_help_documents_exit_codes():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Exit codes:\n    0  success\n    1  content problems" in result.output
    assert "2  command-line usage error" in result.output
    assert "--no-builtin" not in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"handouts, version {__version__}\n"


# What `handouts --help` keeps out: the libraries only other commands need, and the
# standard modules the CLI imports lazily to stay quick (a few ms each).
HELP_KEEPS_OUT = ("reportlab", "pypdf", "pydantic", "yaml", "pathlib", "dataclasses")
IMPORT_BLOCKER = """
import sys
blocked = set(sys.argv[1].split(","))
for name in list(sys.modules):
    if name.split(".")[0] in blocked:
        del sys.modules[name]

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"imported {name}")

sys.meta_path.insert(0, Blocker())
from handouts.cli.app import main
main(sys.argv[2:])
"""


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["batch", "--help"]])
def test_help_imports_nothing_it_does_not_need(args):
    out = subprocess.run(
        [sys.executable, "-c", IMPORT_BLOCKER, ",".join(HELP_KEEPS_OUT), *args],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr.strip().splitlines()[-1:]
    assert "Usage: " in out.stdout


def test_usage_error_exits_2():
    result = run("list", "widgets")
    assert result.exit_code == 2
    assert (
        "error: invalid value for '{exercises|sections|programmes|brands|sources}'" in result.output
    )


# --------------------------------------------------------------------------- list


def test_list_exercises_table():
    result = run("--content", "valid", "--content", "clinic", "list", "exercises")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "ID          NAME                         LEVELS  TAGS             ORIGIN",
        "calf-raise  Calf raise (clinic version)  4                        clinic",
        "step-up     Step-up                      1       knee             clinic",
        "wall-sit    Wall sit                     1       knee, isometric  clinic",
    ]


def test_list_marks_builtin_origin(monkeypatch):
    monkeypatch.setattr(paths, "builtin_content_dir", lambda: FIXTURES / "valid")
    result = CliRunner().invoke(main, ["--content", "clinic", "list", "exercises", "--tag", "KNEE"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "ID        NAME      LEVELS  TAGS             ORIGIN",
        "step-up   Step-up   1       knee             clinic",
        "wall-sit  Wall sit  1       knee, isometric  builtin",
    ]


def test_list_programmes_sections_brands():
    assert run("--content", "valid", "list", "programmes").output.splitlines() == [
        "ID           TITLE        WEEKS  TAGS            ORIGIN",
        "knee-basics  Knee basics  4      knee, strength  clinic",
    ]
    assert run("--content", "valid", "list", "sections").output.splitlines() == [
        "ID       TITLE       TAGS     ORIGIN",
        "warm-up  Warming up  warm-up  clinic",
    ]
    assert run("--content", "valid", "list", "brands").output.splitlines() == [
        "ID      NAME              PAPER  ORIGIN",
        "clinic  Riverside Physio  a4     clinic",
    ]


def test_list_tag_with_no_match_and_tag_on_brands():
    result = run("--content", "valid", "list", "exercises", "--tag", "nothing")
    assert result.exit_code == 0
    assert result.stderr == "no exercises tagged nothing\n"
    result = run("--content", "valid", "list", "brands", "--tag", "x")
    assert result.exit_code == 2
    assert "brands have no tags" in result.output


def test_list_json():
    result = run("--content", "valid", "list", "exercises", "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)
    assert [item["id"] for item in items] == ["calf-raise", "wall-sit"]
    assert items[0]["levels"][0]["reps"] == "15"
    assert items[0]["origin"] == "clinic"
    assert items[0]["path"] == str(FIXTURES / "valid/exercises/calf-raise.yaml")


def test_env_var_skips_builtin(monkeypatch):
    monkeypatch.setattr(paths, "builtin_content_dir", lambda: FIXTURES / "invalid")
    result = CliRunner().invoke(
        main, ["--content", "valid", "check"], env={"HANDOUTS_NO_BUILTIN": "1"}
    )
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- show


def test_show_exercise():
    result = run("--content", "valid", "show", "calf-raise")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == [
        "Calf raise",
        "exercise calf-raise · clinic · valid/exercises/calf-raise.yaml",
    ]
    assert "Image:     valid/images/calf-raise.png" in lines  # from the working folder
    assert "  2. Rise onto your toes." in lines
    assert lines[-8:] == [
        "  1. Two legs",
        "     3 × 15 · tempo 2 s up / 2 s down · rest 1:30 · Bodyweight",
        "  2. One leg",
        "     3 × 12 per leg · Bodyweight",
        "  3. One leg, weighted",
        "     3 × 10 · Dumbbell",
        "  4. One leg, slow lowering",
        "     4 × 8 · tempo 1 s up / 4 s down · Bodyweight",
    ]


def test_show_replacement_says_what_it_replaces(monkeypatch):
    monkeypatch.setattr(paths, "builtin_content_dir", lambda: FIXTURES / "valid")
    result = CliRunner().invoke(main, ["--content", "clinic", "show", "calf-raise"])
    assert result.output.splitlines()[1:3] == [
        "exercise calf-raise · clinic · clinic/exercises/calf-raise.yaml",
        "(replaces valid/exercises/calf-raise.yaml)",
    ]


def test_show_programme_applies_overrides():
    result = run("--content", "valid", "show", "knee-basics")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Sessions per week: 2–3" in text
    assert "Weeks 1–2: Start\n  - Wall sit (wall-sit), level 1: Shallow\n" in text
    assert "  - Calf raise (calf-raise), level 1: Two legs\n    2 × 15 · tempo" in text
    assert "Weeks 3–4\n  - Calf raise (calf-raise), level 3: One leg, weighted\n    3 × 8 ·" in text


def test_show_section_brand_source(tmp_path):
    section = run("--content", "valid", "show", "warm-up", "--kind", "section").output
    assert section.splitlines()[:2] == [
        "Warming up",
        "section warm-up · clinic · valid/sections/warm-up.md",
    ]
    assert section.endswith("## Before you start\n\nWalk for five minutes.\n")
    brand = run("--content", "valid", "show", "clinic").output
    assert "Primary: #1F5F8B" in brand and "Logo:    valid/images/logo.png" in brand
    contact = tmp_path / "brands" / "two.yaml"
    contact.parent.mkdir()
    contact.write_text("name: Two\ncontact: ['1 High St, Leeds', 'Phone 0113 000']\n")
    brand = run("--content", str(tmp_path), "show", "two").output
    assert "Contact: 1 High St, Leeds · Phone 0113 000" in brand  # lines hold commas
    source = run("--content", "valid", "show", "smith-2020").output
    assert source.splitlines() == [
        "Calf strength in runners",
        "source smith-2020 · clinic · valid/sources.yaml",
        "",
        "Author: Smith A.",
        "Year:   2020",
    ]


def test_show_ambiguous_and_unknown_ids(tmp_path):
    both = tmp_path / "both"
    (both / "sections").mkdir(parents=True)
    (both / "sections/wall-sit.md").write_text("---\nid: wall-sit\ntitle: About wall sits\n---\n")
    result = run("--content", "valid", "--content", str(both), "show", "wall-sit")
    assert result.exit_code == 2
    assert (
        'error: "wall-sit" is the id of an exercise and a section; '
        "choose with --kind exercise or --kind section" in result.output
    )
    result = run(
        "--content", "valid", "--content", str(both), "show", "wall-sit", "--kind", "sections"
    )
    assert result.exit_code == 0 and result.output.startswith("About wall sits\n")
    result = run("--content", "valid", "show", "calf-rise")
    assert result.exit_code == 2
    assert (
        'error: invalid value for ID: no item "calf-rise" (did you mean "calf-raise"?)'
        in result.output
    )
    result = run("--content", "valid", "show", "wall-sit", "--kind", "programme")
    assert 'no programme "wall-sit"' in result.output


# --------------------------------------------------------------------------- check


def test_check_clean():
    result = run("check", "--content", "valid")
    assert result.exit_code == 0
    assert result.output == (
        "ok: 2 exercises, 1 section, 1 programme, 1 brand, 2 sources (1 clinic folder)\n"
    )


def test_check_lists_every_problem_then_a_count():
    result = run("check", "--content", "invalid")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 14 and lines[-1] == "13 problems found"
    assert (
        'invalid/exercises/typo.yaml:14: levels[0].rets: unknown field (did you mean "reps"?)'
        in lines
    )
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_other_commands_leave_out_broken_content_with_one_warning():
    result = run("--content", "invalid", "list", "exercises")
    assert result.exit_code == 0
    assert "calf-raise" in result.stdout and "duplicate" not in result.stdout
    assert result.stderr.splitlines() == [
        "warning: 13 problems in content left out; see `handouts check`"
    ]


BUILD_VALID = ("--content", "valid", "build", "knee-basics", "--brand", "valid/brands/clinic.yaml")


def test_a_broken_file_stops_only_the_handouts_that_use_it(tmp_path):
    (tmp_path / "programmes").mkdir()
    (tmp_path / "programmes" / "draft.yaml").write_text("id: draft\ntitle: Draft\nrets: 3\n")
    output = tmp_path / "knee.pdf"
    result = run("--content", str(tmp_path), *BUILD_VALID, "-o", str(output))
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF-")
    assert result.stderr.splitlines()[-1] == (
        "warning: 5 problems in content left out; see `handouts check`"
    )
    result = run("--content", str(tmp_path), "show", "draft")
    assert 'item "draft" has problems and is left out; see `handouts check`' in result.output
    more = tmp_path / "more"
    (more / "exercises").mkdir(parents=True)
    (more / "exercises" / "wall-sit.yaml").write_text("id: wall-sit\nnmae: Wall sit\n")
    result = run("--content", "valid", "--content", str(more), "show", "knee-basics")
    assert (  # the programme's own file is sound, so not "no item" and a guess
        'item "knee-basics" uses an item with problems and is left out; see `handouts check`'
        in result.output
    )
    result = run("--content", str(tmp_path), "--content", "valid", "build", "draft")
    assert result.exit_code == 1
    assert any("draft.yaml:3: rets: unknown field" in line for line in result.stderr.splitlines())
    assert result.stderr.splitlines()[-1] == "5 problems found"


@pytest.mark.parametrize(
    ("output", "code", "message"),
    [  # a folder as -o is a usage error (as click's own file options say); a failed write is not
        ("folder", 2, "-o {folder}: is a folder; give a file name, such as {folder}/x.pdf"),
        (
            "file/x.pdf",
            1,
            "cannot write {file}/x.pdf: a file stands where a folder is needed; choose another -o",
        ),
    ],
)
def test_an_unwritable_output_is_one_line(tmp_path, output, code, message):
    (tmp_path / "folder").mkdir()
    (tmp_path / "file").write_text("")
    result = run(*BUILD_VALID, "-o", str(tmp_path / output))
    assert result.exit_code == code
    expected = message.format(folder=tmp_path / "folder", file=tmp_path / "file")
    assert result.stderr.splitlines() == [f"error: {expected}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder"]  # no part file


def test_an_empty_password_or_output_is_refused_rather_than_ignored(tmp_path):
    result = run(*BUILD_VALID, "--password", "", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "'--password': is empty" in result.output
    assert not (tmp_path / "x.pdf").exists()
    result = run(*BUILD_VALID, "-o", "")
    assert result.exit_code == 2 and "'--output': is empty" in result.output


def test_brand_by_id_as_listed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    knee = ("--content", str(FIXTURES / "valid"), "build", "knee-basics")
    result = run(*knee, "--brand", "clinic", "-o", "x.pdf")
    assert result.exit_code == 0, result.output
    result = run(*knee, "--brand", "nope")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: --brand nope: no such file or brand id; give a brand YAML file or an id from "
        "`handouts list brands`"
    ]


def test_check_reads_handouts_yaml(tmp_path, monkeypatch):
    (tmp_path / "handouts.yaml").write_text(f"content: [{FIXTURES / 'valid'}]\n")
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 2 exercises")


def test_check_reports_bad_handouts_yaml(tmp_path, monkeypatch):
    (tmp_path / "handouts.yaml").write_text("content: [nope]\nbrnad: x\n")
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        'handouts.yaml:2: brnad: unknown field (did you mean "brand"?)',
        "1 problem found",
    ]


def test_check_reports_workspace_brand_with_content(tmp_path, monkeypatch):
    (tmp_path / "brand.yaml").write_text('name: X\nprimary: "#abc"\n')
    (tmp_path / "handouts.yaml").write_text("brand: brand.yaml\n")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", str(FIXTURES / "invalid"))
    assert result.exit_code == 1
    assert (
        "brand.yaml:2: primary: colour '#abc' must be six-digit hex such as \"#1F5F8B\""
        in result.stderr.splitlines()
    )
    assert result.stderr.splitlines()[-1] == "14 problems found"


def test_a_content_folders_own_templates_folder_is_used(tmp_path, monkeypatch):
    clinic = tmp_path / "clinic"
    shutil.copytree(FIXTURES / "valid", clinic)
    (clinic / "templates").mkdir()
    (clinic / "templates" / "intro.txt.j2").write_text("Hello {{ patient.nmae }}.\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--content", "clinic"])  # with the demo brand
    assert result.exit_code == 1
    assert 'intro.txt.j2:1: no field "nmae" here' in result.stderr


@pytest.mark.parametrize(
    ("steps", "note"), [(36, " (in large print)"), (80, "")], ids=["large-print", "both"]
)
def test_check_lays_out_a_clinic_card_too_tall_for_a_page(tmp_path, monkeypatch, steps, note):
    shutil.copytree(FIXTURES / "valid", tmp_path / "clinic")
    (tmp_path / "handouts.yaml").write_text("content: [clinic]\nbrand: clinic/brands/clinic.yaml\n")
    exercise = tmp_path / "clinic/exercises/wall-sit.yaml"
    step = "  - Slide down the wall slowly and keep your knees over your toes.\n"
    text = exercise.read_text().replace("steps: [Slide down the wall., Hold.]\n", "steps:\n")
    exercise.write_text(text.replace("steps:\n", "steps:\n" + step * steps))
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    first, count = result.stderr.splitlines()
    assert first.startswith("clinic/exercises/wall-sit.yaml: exercise wall-sit: its card is too ")
    assert first.endswith(f"shorten its steps, tips or notes{note}") and count == "1 problem found"


def test_check_finds_a_brand_font_that_is_not_installed(tmp_path, monkeypatch):
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "clinic.yaml").write_text("name: X\nfont: No Such Family\n")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", ".")
    assert result.exit_code == 1
    first, count = result.stderr.splitlines()
    assert first.startswith('brands/clinic.yaml: font: font family "No Such Family" not found')
    assert count == "1 problem found"


def test_check_finds_a_logo_the_build_cannot_draw(tmp_path, monkeypatch):
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "logo.png").write_text("junk")
    (tmp_path / "brands" / "clinic.yaml").write_text("name: X\nlogo: logo.png\n")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", ".")
    assert result.exit_code == 1
    first, count = result.stderr.splitlines()
    assert first.startswith(f"brands/clinic.yaml: logo {tmp_path / 'brands' / 'logo.png'}: ")
    assert "cannot read the image" in first and count == "1 problem found"


def test_check_finds_an_exercise_picture_the_build_cannot_draw(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "valid", tmp_path / "c")
    (tmp_path / "c" / "images" / "calf-raise.png").write_text("junk")
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", "c")
    assert result.exit_code == 1
    first, count = result.stderr.splitlines()
    assert first.startswith("c/exercises/calf-raise.yaml: image ")
    assert "calf-raise.png: cannot read the image" in first and count == "1 problem found"


def test_check_finds_markdown_a_handout_cannot_show(tmp_path, monkeypatch):
    (tmp_path / "sections").mkdir()
    section = "---\nid: pics\ntitle: Pics\n---\nHello.\n\n![x](img.png)\n"
    (tmp_path / "sections" / "pics.md").write_text(section)
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", ".")
    assert result.exit_code == 1
    expected = [
        "sections/pics.md:7: unsupported Markdown: image; a printed handout cannot show it: "
        "remove it",
        "1 problem found",
    ]
    assert result.stderr.splitlines() == expected
    brand = str(FIXTURES / "valid/brands/clinic.yaml")
    result = run("--content", ".", "build", "--section", "pics", "--brand", brand, "-o", "p.pdf")
    assert result.exit_code == 1 and result.stderr.splitlines() == expected
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("Hello {{ patient.nmae }}.\n", ':1: no field "nmae" here; check its spelling'),
        ("{% if patient.name %}Hello.\n", ":1: Unexpected end of template."),
    ],
)
def test_check_renders_the_clinic_intro_template(tmp_path, monkeypatch, template, problem):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "intro.txt.j2").write_text(template)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    first, count = result.stderr.splitlines()
    assert first.startswith("templates/intro.txt.j2" + problem)  # from the working folder
    assert count == "1 problem found"
    (tmp_path / "templates" / "intro.txt.j2").write_text("Hello {{ patient.name }}.\n")
    assert CliRunner().invoke(main, ["check"]).exit_code == 0


def test_missing_content_folder_is_a_usage_error():
    result = run("--content", "nope", "check")
    assert result.exit_code == 2
    assert "error: invalid value for '--content': directory 'nope' does not exist" in result.output


# --------------------------------------------------------------------------- init


def test_init_then_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", "clinic", "--name", 'Riverside "Physio": Ltd')
    assert result.exit_code == 0, result.output
    created = sorted(
        p.relative_to(tmp_path / "clinic").as_posix()
        for p in (tmp_path / "clinic").rglob("*")
        if p.is_file()
    )
    assert created == [
        "README.md",
        "brands/clinic.yaml",
        "exercises/clinic-wall-sit.yaml",
        "handouts.yaml",
        "sections/clinic-welcome.md",
    ]
    assert result.output.endswith(
        "\nNext, from a terminal:\n  cd clinic\n"
        "  edit brands/clinic.yaml     your clinic's name, colours, logo and contact lines\n"
        "  handouts check              finds mistakes in your files, one line each\n"
        "  handouts build              a first handout with your brand, in output/\n"
        "README.md there says where files go.\n"
    )
    monkeypatch.chdir(tmp_path / "clinic")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "ok: 1 exercise, 1 section, 0 programmes, 1 brand, 0 sources (1 clinic folder)\n"
    )
    shown = run("show", "clinic").output
    assert shown.startswith('Riverside "Physio": Ltd\nbrand clinic · clinic · brands/clinic.yaml\n')


def test_workspace_brand_inside_content_is_reported_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init", "ws").exit_code == 0
    brand = tmp_path / "ws/brands/clinic.yaml"
    brand.write_text(brand.read_text().replace('"#1F5F8B"', '"#1F5F8"'))
    monkeypatch.chdir(tmp_path / "ws")
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "brands/clinic.yaml:4: primary: colour '#1F5F8' must be six-digit hex such as \"#1F5F8B\"",
        "1 problem found",
    ]


def test_workspace_brand_logo_outside_the_content_folder_stops_check_and_build(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert run("init", "ws").exit_code == 0
    outside = tmp_path / "logo.png"
    shutil.copy(FIXTURES / "valid/images/logo.png", outside)
    brand = tmp_path / "ws/brands/clinic.yaml"
    brand.write_text(brand.read_text().replace("# logo: logo.png", f"logo: {outside}"))
    monkeypatch.chdir(tmp_path / "ws")
    expected = (
        "brands/clinic.yaml:3: logo: file is outside the content folder; "
        "copy it in and give its path from this file's folder"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected, "1 problem found"]
    result = run("--content", str(FIXTURES / "valid"), "build", "knee-basics", "-o", "k.pdf")
    assert result.exit_code == 1 and expected in result.stderr.splitlines()
    assert not (tmp_path / "ws/k.pdf").exists()


def test_init_with_builtin_content_passes_check(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init", "ws").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output


def test_init_in_the_current_folder_says_no_cd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init", ".")
    assert result.exit_code == 0 and "cd " not in result.output
    assert "  handouts check" in result.output


def test_init_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws/handouts.yaml").write_text("mine\n")
    result = run("init", "ws")
    assert result.exit_code == 1
    assert result.output == "error: not overwriting existing files: ws/handouts.yaml\n"
    assert (tmp_path / "ws/handouts.yaml").read_text() == "mine\n"
    assert not (tmp_path / "ws/README.md").exists()
