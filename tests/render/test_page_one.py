"""Page one: title, patient block, note, programme intro and clinic templates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from handout_pdf import (
    LARGE,
    PATIENT,
    SMALL,
    Built,
    build,
    norm,
)

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection
from handouts.content.library import Library
from handouts.content.models import Patient
from handouts.content.templating import TemplateError
from handouts.errors import HandoutsError

# -- page one --


def test_page_one_has_title_patient_block_note_and_intro(default: Built) -> None:
    page = default.pages[0]
    handout = default.handout
    assert page.find("Riverside Physio") < page.find(handout.title)
    assert norm(handout.summary) in page
    for label, value in [
        ("Name", "Alex Morgan"),
        ("Clinician", "Sam Okafor"),
        ("Start date", "2 March 2026"),
        ("Length", "6 weeks"),
        ("Sessions", "2–3 a week"),
    ]:
        assert f"{label} {value}" in page, label
    assert "A note from your clinician " + PATIENT.note in page
    # The intro comes from templates/intro.txt.j2: greeting, programme intro, closing.
    assert (
        "Hello Alex Morgan. This is your 6-week plan from Riverside Physio & Running Clinic, "
        "set by Sam Okafor." in page
    )
    assert norm(handout.intro) in page
    assert "Use the tracking sheet at the end to tick off every session." in page


def test_page_one_keeps_to_what_the_handout_holds(builder: Builder, default: Built) -> None:
    # --weeks 12 kept "A 6-week plan..." beside "Length 12 weeks"; a handout of sections
    # only promised a 6-week plan, a table, exercise cards and a tracking sheet.
    longer = build(builder, Selection(DEFAULT_PROGRAMME, weeks=12)).pages[0]
    assert "Length 12 weeks" in longer and "This is your 12-week plan" in longer
    assert "6-week" not in longer and norm(default.handout.summary) not in longer
    sections_only = build(builder, SMALL)
    page = sections_only.pages[0]
    page = page[: page.index(sections_only.handout.sections[0].title)]  # the sections follow
    assert "This is your handout from Riverside Physio & Running Clinic" in page
    assert sections_only.handout.title == "Your handout" and "exercise programme" not in page
    for promise in ("week", "table", "exercise cards", "tracking sheet", "Length", "Sessions"):
        assert promise not in page, promise
    # The stop advice is the safety panel's, said once: not repeated by the introduction.
    assert "Stop and seek advice if you have sharp pain" in page
    # A programme without some parts: the intro names only those it has.
    handout = default.handout
    intro = builder.intro(replace(handout, parts=handout.parts.model_copy(update={"table": False})))
    assert "The table" not in intro and "The exercise cards explain" in intro
    assert "tracking sheet" in builder.intro(handout)


def test_a_clinic_intro_template_replaces_the_built_in_one(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "intro.txt.j2").write_text(
        "Welcome, {{ patient.name }}, to {{ brand.name }}.\n\n{{ programme.weeks }} weeks.\n",
        encoding="utf-8",
    )
    built = build(Builder(library, template_dirs=[tmp_path]), Selection(DEFAULT_PROGRAMME))
    assert "Welcome, Alex Morgan, to Riverside Physio & Running Clinic. 6 weeks." in built.pages[0]
    assert "Hello Alex Morgan" not in built.pages[0]


def test_an_undefined_template_variable_names_the_file_and_line(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "intro.txt.j2").write_text("Hello.\nDear {{ patient.nmae }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        build(Builder(library, template_dirs=[tmp_path]), Selection(DEFAULT_PROGRAMME))
    message = error.value.format_message()
    assert message == f'{tmp_path / "intro.txt.j2"}:2: no field "nmae" here; check its spelling'


def test_an_unknown_template_variable_lists_the_ones_there_are(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "intro.txt.j2").write_text("Hi from {{ clinic_name }}.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError) as error:
        build(Builder(library, template_dirs=[tmp_path]), Selection(DEFAULT_PROGRAMME))
    assert error.value.format_message() == (
        'intro.txt.j2:1: no variable "clinic_name" here; check its spelling '
        "(the template sees brand, contents, patient, programme)"
    )


def test_a_template_not_saved_as_utf8_names_the_file_and_line(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "intro.txt.j2").write_bytes(b"Hello.\nCaf\xe9\n")  # Latin-1
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError) as error:
        build(Builder(library, template_dirs=[tmp_path]), Selection(DEFAULT_PROGRAMME))
    assert error.value.format_message() == (
        "intro.txt.j2:2: not UTF-8 text; save the file as UTF-8"
    )


def test_templates_are_sandboxed(library: Library, tmp_path: Path) -> None:
    (tmp_path / "intro.txt.j2").write_text("{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="intro.txt.j2:1: .*unsafe"):
        build(Builder(library, template_dirs=[tmp_path]), Selection(DEFAULT_PROGRAMME))


@pytest.mark.parametrize(("field_name", "named"), [("note", "patient note"), ("name", "patient")])
def test_a_3000_word_patient_field_is_a_one_line_error_naming_it(
    builder: Builder, field_name: str, named: str
) -> None:
    patient = Patient(**{field_name: " ".join(["word"] * 3000)})
    with pytest.raises(HandoutsError) as error:
        build(builder, Selection(DEFAULT_PROGRAMME), patient)
    message = error.value.format_message()
    assert message.startswith(f"the {named}") and "does not fit on page one" in message
    assert "\n" not in message


def test_a_long_note_in_large_print_lets_the_introduction_flow_on(builder: Builder) -> None:
    # The note fits page one; the introduction after it does not: it flows on to page two
    # rather than stopping the build (large print on A5 meets this every time).
    note = ("Please keep your knee soft and go slowly on the stairs. " * 30)[:1300]
    built = build(builder, Selection(DEFAULT_PROGRAMME), Patient(note=note), options=LARGE)
    assert "go slowly on the stairs" in built.pages[0]
    text = " ".join(built.pages[:3])
    intro = [text.index(words) for words in ("This plan builds", "The table shows")]
    assert intro == sorted(intro) and intro[-1] < text.index("Your pain rule")
    assert "The table shows" not in built.pages[0]  # it went on to the next page


def test_a_note_keeps_its_lines_and_paragraphs(builder: Builder) -> None:
    note = "This week:\n1. Calf raises daily\n2. Walk 20 minutes\n\nCall us if it swells."
    built = build(builder, Selection(DEFAULT_PROGRAMME), Patient(name="Ann", note=note))
    lines = [line.rstrip() for line in built.reader.pages[0].extract_text().splitlines()]
    start = lines.index("This week:")
    assert lines[start : start + 4] == [
        "This week:",
        "1. Calf raises daily",
        "2. Walk 20 minutes",
        "Call us if it swells.",
    ]


def test_sessions_set_by_the_clinician_are_said_above_the_programme_intro(
    builder: Builder, default: Built
) -> None:
    said = "Your clinician has set 1 session a week for you."
    once = build(builder, Selection(DEFAULT_PROGRAMME, sessions=1))
    assert said in once.pages[0] and "two or three times a week" in once.pages[0]
    assert "Your clinician has set" not in default.pages[0]
    same = build(builder, Selection(DEFAULT_PROGRAMME, sessions=3))  # the programme's own top
    assert "Your clinician has set 3 sessions a week for you." in same.pages[0]
