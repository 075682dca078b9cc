"""Whole handouts through the Builder API, read back with pypdf, qpdf and poppler.

The default handout is built once per module and its bytes reused; everything
else is a small handout built from a clinic folder made in a temp directory.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, ImageFilter
from pypdf import PdfReader
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Handout, Options, Row, Selection
from handouts.content.loader import Library, load_library
from handouts.content.models import Patient
from handouts.errors import HandoutsError, RenderError
from handouts.render.cards import dose_line, equipment_needed
from handouts.render.document import fit_name, format_date
from handouts.render.grid import _geometry, target
from handouts.render.parts import (
    TABLE_COLUMNS,
    TABLE_PAD,
    TABLE_WEIGHTS,
    lower_first,
    table_widths,
)
from handouts.templating import TemplateError

DATE = dt.date(2026, 3, 1)
DATE_TEXT = "1 March 2026"
PATIENT = Patient(
    name="Alex Morgan",
    clinician="Sam Okafor",
    start=dt.date(2026, 3, 2),
    note="Keep your knees soft, and stop at 5 out of 10 pain.",
)
LITERAL = '<b>Smith & Sons "Physio" <img src=x>'
PDFFONTS, QPDF, PDFTOPPM = (shutil.which(tool) for tool in ("pdffonts", "qpdf", "pdftoppm"))
TABLE_HEADER = "Exercise Position Sets Reps Tempo Rest Load"
SMALL = Selection(sections=["recovery"])  # a quick handout: page one, one section, sources
LARGE = Options(large_print=True)


def norm(text: str) -> str:
    """Whitespace collapsed: line breaks from wrapping do not matter to the checks."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Built:
    handout: Handout
    pdf: bytes

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def pages(self) -> list[str]:
        return [norm(page.extract_text()) for page in self.reader.pages]

    @cached_property
    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, 1-based page) for every outline entry, in order."""
        found: list[tuple[int, str, int]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    found.append(
                        (level, item.title, self.reader.get_destination_page_number(item) + 1)
                    )

        walk(self.reader.outline, 0)
        return found

    def pages_with(self, text: str) -> list[int]:
        return [number for number, page in enumerate(self.pages, 1) if text in page]

    def landscape_pages(self) -> list[int]:
        return [
            number
            for number, page in enumerate(self.reader.pages, 1)
            if float(page.mediabox.width) > float(page.mediabox.height)
        ]


def build(builder: Builder, selection: Selection, patient: Patient = PATIENT, **kwargs) -> Built:
    kwargs.setdefault("date", DATE)
    handout, pdf = builder.build(Request(selection, patient, **kwargs))
    return Built(handout, pdf)


def pdffonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb column) per font, as poppler reports them."""
    if PDFFONTS is None:
        pytest.skip("pdffonts (poppler-utils) not installed")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([PDFFONTS, str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]  # after the header and the dashes
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def qpdf_check(pdf: bytes, tmp_path: Path) -> None:
    if QPDF is None:
        pytest.skip("qpdf not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([QPDF, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def darkest_patch(pdf: bytes, tmp_path: Path, page: int) -> int:
    """Mean grey (0 black … 255 white) of the darkest ~16 mm square on a page.

    Rendered at 20 dpi, where body text blurs to light grey; only a solid fill
    the size of a thumbnail or more (a header band, a filled block) gets dark.
    """
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    path = tmp_path / "ink.pdf"
    path.write_bytes(pdf)
    stem = tmp_path / f"ink-{page}"
    args = [PDFTOPPM, "-r", "20", "-gray", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([*args, str(path), str(stem)], check=True)
    image = Image.open(f"{stem}.pgm").convert("L")
    return image.filter(ImageFilter.BoxBlur(6)).getextrema()[0]


def image_xobjects(page) -> int:  # noqa: ANN001 - a pypdf page
    """Image XObjects drawn on a page, looking inside form XObjects too."""

    def count(resources) -> int:  # noqa: ANN001
        total = 0
        for ref in (resources or {}).get("/XObject", {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                total += 1
            elif xobject.get("/Subtype") == "/Form":
                total += count(xobject.get("/Resources"))
        return total

    return count(page.get("/Resources"))


def link_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


# -- the clinic folder: exercises and sections made for these tests --
EXERCISE = """\
id: {id}
name: {name}
summary: A short exercise made for the renderer tests.
targets: [Calf]
position: Standing
steps:
{steps}
cues: [Keep tall.]
mistakes: [Rushing the lowering.]
safety: '{safety}'
{extra}
levels:
  - level: 1
    label: Basic
    sets: 3
    reps: "10"
    tempo: 2 s up / 2 s down
    rest: 30 s
"""


def write_exercise(folder: Path, ex_id: str, name: str, steps: list[str], **kw: str) -> None:
    text = EXERCISE.format(
        id=ex_id,
        name=name,
        steps="\n".join(f"  - '{step}'" for step in steps),
        safety=kw.get("safety", f"Stop {name} if you feel sharp pain."),
        extra=kw.get("extra", ""),
    )
    (folder / f"{ex_id}.yaml").write_text(text, encoding="utf-8")


GRID_IDS = [f"grid-{n:02d}" for n in range(1, 21)]
MARKDOWN = """\
---
id: markdown-tour
title: A tour of Markdown
sources: [doi-paper, iri-page]
---

Read the [NHS advice on calf pain](https://www.nhs.uk/conditions/calf-pain/) first.

## Small heading

- First point
- Second point

| Muscle | Knee |
|---|---|
| Soleus | Bent |
| Gastrocnemius | Straight |

> **Stop** if the pain is sharp.
"""

# Call-outs of a few lines, each after a different amount of text: some reach a page foot.
CALLOUTS = "---\nid: callouts\ntitle: Call-outs\n---\n\n" + "".join(
    "Short line.\n\n" * (n % 5)
    + "A paragraph of text before the call-out, long enough to wrap onto a second line. " * 2
    + f"\n\n> Callout{n:02d} starts. "
    + "Its text runs on over a few lines of the box. " * 5
    + f"End{n:02d}.\n\n"
    for n in range(24)
)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clinic")
    exercises, sections = root / "exercises", root / "sections"
    exercises.mkdir()
    sections.mkdir()
    Image.new("RGB", (200, 3000), (190, 60, 60)).save(exercises / "tall.png")  # taller than a page
    write_exercise(
        exercises,
        "video-calf",
        "Video calf raise",
        ["Rise onto your toes.", "Lower slowly."],
        extra="video: https://example.org/v/calf\nimage: tall.png",
    )
    long_step = "Keep going with this very long and careful instruction for the step " * 3
    write_exercise(exercises, "long-steps", "Long steps", [f"{n}. {long_step}" for n in range(60)])
    write_exercise(exercises, "literal-step", "Literal step", ["Say " + LITERAL.replace("'", "''")])
    for n, ex_id in enumerate(GRID_IDS, 1):
        write_exercise(exercises, ex_id, f"Grid drill {n:02d}", [f"Do grid drill {n:02d} slowly."])
    words = " ".join(["word"] * 3000)
    (sections / "big-cell.md").write_text(
        f"---\nid: big-cell\ntitle: Big cell\n---\n\n| A | B |\n|---|---|\n| {words} | x |\n",
        encoding="utf-8",
    )
    (sections / "markdown-tour.md").write_text(MARKDOWN, encoding="utf-8")
    (sections / "callouts.md").write_text(CALLOUTS, encoding="utf-8")
    (root / "sources.yaml").write_text(
        "- id: doi-paper\n  title: A paper with a DOI\n  year: 2024\n  doi: 10.1000/xyz123\n"
        "- id: iri-page\n  title: Русский источник\n  url: https://пример.рф/страница\n",
        encoding="utf-8",
    )
    (root / "literal-brand.yaml").write_text(
        f"name: '{LITERAL}'\nprimary: \"#1F5F8B\"\ncontact: ['{LITERAL}']\n", encoding="utf-8"
    )
    return root


@pytest.fixture(scope="module")
def clinic_library(clinic: Path) -> Library:
    return load_library([clinic])


@pytest.fixture(scope="module")
def clinic_builder(clinic_library: Library) -> Builder:
    return Builder(clinic_library)


# -- the default handout, built once --
@pytest.fixture(scope="module")
def default(builder: Builder) -> Built:
    return build(builder, Selection(DEFAULT_PROGRAMME))


@dataclass
class Variants:
    builder: Builder
    built: dict[str, Built] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Built:
        if name not in self.built:
            options = {
                "large-print": Options(large_print=True),
                "ink-saver": Options(ink_saver=True),
                "fillable": Options(fillable=True),
            }[name]
            self.built[name] = build(self.builder, Selection(DEFAULT_PROGRAMME), options=options)
        return self.built[name]


@pytest.fixture(scope="module")
def variants(builder: Builder) -> Variants:
    return Variants(builder)


# -- every page --
def test_every_page_has_the_brand_header_and_footer(default: Built) -> None:
    brand = default.handout.brand
    total = len(default.pages)
    assert total > 5
    for number, text in enumerate(default.pages, 1):
        assert brand.name in text, number
        for line in brand.contact:
            assert line in text, (number, line)
        assert f"Page {number} of {total}" in text, number
        assert DATE_TEXT in text, number
        assert norm(brand.disclaimer) in text, number
    assert f"Page {total + 1} of" not in " ".join(default.pages)


def test_the_header_and_footer_are_stored_once_per_page_width(default: Built) -> None:
    """Each page draws the same two form XObjects (one pair per page width)."""
    shared: dict[float, set[tuple[int, ...]]] = {}
    for page in default.reader.pages:
        forms = page["/Resources"]["/XObject"]
        header_footer = tuple(
            sorted(ref.idnum for name, ref in forms.items() if name.startswith("/FormXob.HOH"))
            + sorted(ref.idnum for name, ref in forms.items() if name.startswith("/FormXob.HOF"))
        )
        assert len(header_footer) == 2
        shared.setdefault(float(page.mediabox.width), set()).add(header_footer)
    assert len(shared) == 2  # portrait pages, and the landscape tracking sheet
    assert all(len(pairs) == 1 for pairs in shared.values())


def header_runs(page) -> list[tuple[float, float, str]]:  # noqa: ANN001 - a pypdf page
    """(left x, size, text) of each run of text in the header band at the top of a page."""
    band = float(page.mediabox.height) - 20 * mm
    runs: list[tuple[float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip() and tm[5] * cm[3] + cm[5] > band:
            runs.append((tm[4] * cm[0] + cm[4], size * tm[0] * cm[0], text.strip()))

    page.extract_text(visitor_text=visit)
    return runs


LONG_NAME = "Northside Physiotherapy & Sports Injury Rehabilitation Clinic"


@pytest.mark.parametrize("large_print", [False, True])
def test_a_long_clinic_name_stays_clear_of_the_website_and_the_edge(
    library: Library, tmp_path: Path, large_print: bool
) -> None:
    # The name was one drawString at a fixed size: over the website, and off the page in
    # large print. It shrinks a little, then takes two or three lines.
    brand = tmp_path / "long.yaml"
    website = "https://northsidephysio.example.com"
    brand.write_text(f'name: "{LONG_NAME}"\nwebsite: {website}\n', encoding="utf-8")
    builder = Builder(library)
    options = Options(large_print=large_print)
    built = build(builder, SMALL, brand_file=brand, options=options)
    theme = builder.theme(built.handout.brand, built.handout.logo, options)
    runs = header_runs(built.reader.pages[0])
    [(website_x, _, _)] = [run for run in runs if run[2] == website]
    name_lines = [run for run in runs if run[2] != website]
    assert " ".join(text for _, _, text in name_lines) == LONG_NAME  # all of it, in order
    bold = theme.fonts.main.bold
    for x, size, text in name_lines:
        assert x >= theme.margin - 0.01
        assert x + stringWidth(text, bold, size) < website_x - 5 * mm, text
        assert size >= theme.small_size + 1
    # Past the least size, a line too long is cut short rather than run into the website.
    size, lines = fit_name(LONG_NAME, bold, 18.9, 12, 100, 45)
    assert size == 12 and lines[-1].endswith("…")
    assert all(stringWidth(line, bold, size) <= 100 for line in lines)


def test_a_wide_logo_gets_a_wide_tile_and_keeps_its_shape(library: Library, tmp_path: Path) -> None:
    # A 3:1 wordmark was fitted into the square tile: about 32 × 11 pt.
    Image.new("RGB", (600, 200), (31, 95, 139)).save(tmp_path / "wordmark.png")
    brand = tmp_path / "wordmark.yaml"
    brand.write_text("name: Wordmark Physio\nlogo: wordmark.png\n", encoding="utf-8")
    built = build(Builder(library), SMALL, brand_file=brand)
    page = built.reader.pages[0]
    [header] = [ref for name, ref in page["/Resources"]["/XObject"].items() if "HOHead" in name]
    stream = header.get_object().get_data().decode("latin-1")
    [(width, height, left)] = [
        (float(w), float(h), float(x))
        for w, h, x in re.findall(r"([\d.]+) 0 0 ([\d.]+) ([\d.]+) [\d.]+ cm\s*/FormXob", stream)
    ]
    assert width / height == pytest.approx(3, rel=0.01)
    assert height > 10.5 * mm  # the tile's full inner height, 20 mm band less margins
    assert width < 45 * mm  # capped
    [(name_x, _, name)] = header_runs(page)
    assert name == "Wordmark Physio" and name_x > left + width + 3 * mm


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
    assert "This is your handout from Riverside Physio & Running Clinic" in page
    assert sections_only.handout.title == "Your handout" and "exercise programme" not in page
    for promise in ("week", "table", "exercise cards", "tracking sheet", "Length", "Sessions"):
        assert promise not in page, promise
    assert "Stop and contact Riverside Physio & Running Clinic if you feel sharp pain" in page
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


# -- the workout table --
SAMPLE_WEEKS_1_2 = [  # source B's sample table: name, then sets reps tempo rest
    ("Bent-knee calf raise", "3 15 2 s up / 2 s down 45 s"),
    ("Seated soleus raise", "3 10–12 3 s up / 3 s down 60 s"),
    ("Single-leg eccentric lower", "2 8 per leg 1 s up / 4 s down 60 s"),
    ("Resistance-band soleus press", "2 15 Controlled 30 s"),
    ("Wall soleus stretch", "3 30 s hold Static None"),
]


def table_text(built: Built) -> str:
    """The text from the "Your programme" heading to the first exercise card."""
    start = built.pages_with("Your programme")[0]
    cards = built.pages_with("Your exercises")[0]
    text = " ".join(built.pages[start - 1 : cards])
    return text[text.find("Your programme") : text.find("Your exercises")]


def test_workout_table_has_the_sample_dosages_for_weeks_1_and_2(default: Built) -> None:
    text = table_text(default)
    assert TABLE_HEADER in text
    phases = ["Weeks 1–2 · Build the base", "Weeks 3–4 · One leg", "Weeks 5–6 · Add weight"]
    positions = [text.find(phase) for phase in phases]
    assert -1 not in positions and positions == sorted(positions)
    weeks_1_2 = text[positions[0] : positions[1]]
    for name, dose in SAMPLE_WEEKS_1_2:
        # The dose cells follow the name (and its level and position) in the same row.
        assert re.search(re.escape(name) + r".{0,200}? " + re.escape(dose) + " ", weeks_1_2), name


def test_workout_table_headings_are_never_broken_mid_word(
    builder: Builder, variants: Variants, default: Built
) -> None:
    # "Sets" printed as "Set" / "s" in large print, where its 6 % column was too narrow.
    large = variants["large-print"]
    assert TABLE_HEADER in table_text(large)
    handout = default.handout
    for options in (Options(), Options(large_print=True), Options(paper="letter")):
        theme = builder.theme(handout.brand, handout.logo, options)
        # A wider typeface (a clinic's own) behaves like a larger size of this one.
        wide = replace(
            theme,
            styles={
                **theme.styles,
                "cell_head": theme["cell_head"].clone(
                    "wide", fontSize=theme["cell_head"].fontSize * 1.4
                ),
            },
        )
        for each in (theme, wide):
            style, width = each["cell_head"], each.frame_width()
            widths = table_widths(each, width)
            assert sum(widths) == pytest.approx(width)
            for title, column in zip(TABLE_COLUMNS, widths, strict=True):
                heading = Paragraph(title, style)
                heading.wrap(column - 2 * TABLE_PAD, 1000)
                assert len(heading.blPara.lines) == len(title.split()), (title, options)
    # At normal size the widths are the designed weights.
    theme = builder.theme(handout.brand, handout.logo, Options())
    total = sum(TABLE_WEIGHTS)
    expected = [theme.frame_width() * w / total for w in TABLE_WEIGHTS]
    assert table_widths(theme, theme.frame_width()) == expected


def test_a_long_table_repeats_its_header_row_on_every_page(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS], weeks=12))
    first = built.pages_with("Your programme")[0]
    cards = built.pages_with("Your exercises")[0]
    table_pages = list(range(first, cards))
    assert len(table_pages) >= 2, "expected the table to span pages"
    for number in table_pages:
        assert TABLE_HEADER in built.pages[number - 1], number
    # Every row made it, in order.
    text = table_text(built)
    positions = [text.find(f"Grid drill {n:02d}") for n in range(1, 21)]
    assert -1 not in positions and positions == sorted(positions)


# -- exercise cards --
def card_page(built: Built, first_step: str) -> int:
    pages = built.pages_with(norm(first_step))
    assert len(pages) == 1, f"step {first_step!r} found on pages {pages}"
    return pages[0]


def test_each_card_is_whole_on_one_page(default: Built) -> None:
    for exercise in default.handout.exercises:
        page = default.pages[card_page(default, exercise.steps[0]) - 1]
        assert exercise.name in page
        for step in exercise.steps:
            assert norm(step) in page, (exercise.id, step)
        assert norm(exercise.cues[0]) in page and norm(exercise.mistakes[-1]) in page
        assert "Tips" in page and "Common mistakes" in page
        assert "Safety: " + norm(exercise.safety) in page, exercise.id


def test_card_shows_name_level_and_dosage_line(default: Built) -> None:
    bent_knee = default.handout.exercises[0]
    page = default.pages[card_page(default, bent_knee.steps[0]) - 1]
    assert "Level 1: Double-leg, bodyweight" in page
    assert "3 × 15 · 2 s up / 2 s down · rest 45 s · Bodyweight" in page
    assert "Level 2: Single-leg, bodyweight" in page  # weeks 3–4


def filled_rects(page) -> int:  # noqa: ANN001 - a pypdf page
    return page.get_contents().get_data().count(b" re f")


def test_card_with_video_has_qr_short_url_and_image(
    clinic_builder: Builder, default: Built, tmp_path: Path
) -> None:
    built = build(clinic_builder, Selection(exercises=[("video-calf", None)]))
    number = card_page(built, "Rise onto your toes.")
    page = built.pages[number - 1]
    assert "Watch the video: example.org/v/calf" in page
    # The QR code is drawn as filled modules: a card page without a video has few fills.
    plain = card_page(default, default.handout.exercises[0].steps[0])
    assert filled_rects(built.reader.pages[number - 1]) > 100
    assert filled_rects(default.reader.pages[plain - 1]) < 30
    # The 200 × 3000 px photo (taller than a page) is scaled into the card, not an error.
    assert image_xobjects(built.reader.pages[number - 1]) >= 1
    assert "Safety: Stop Video calf raise if you feel sharp pain." in page
    # The QR code's drawing starts in the brand font, not reportlab's unembedded Helvetica.
    assert all(emb == "yes" for _, emb in pdffonts(built.pdf, tmp_path))


def test_a_card_too_tall_for_a_page_is_a_one_line_render_error(clinic_builder: Builder) -> None:
    with pytest.raises(RenderError) as error:
        build(clinic_builder, Selection(exercises=[("long-steps", None)]))
    message = error.value.format_message()
    assert message.startswith("exercise long-steps: its card is too tall for one page")
    assert "\n" not in message


def test_a_3000_word_table_cell_splits_across_pages_without_error(
    clinic_builder: Builder,
) -> None:
    # The spec allows a one-line error naming the section; the renderer does better and
    # splits the row across pages, keeping every word.
    try:
        built = build(clinic_builder, Selection(sections=["big-cell"]))
    except HandoutsError as error:
        message = error.format_message()
        assert "big-cell" in message and "\n" not in message
        return
    assert sum(page.count("word") for page in built.pages) == 3000
    assert len(built.pages_with("word")) >= 2


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


def test_a_long_note_in_large_print_is_blamed_not_the_introduction_below_it(
    builder: Builder,
) -> None:
    # The note fits; the introduction after it runs off the page: the note is too long.
    note = ("Please keep your knee soft and go slowly on the stairs. " * 30)[:1300]
    with pytest.raises(HandoutsError) as error:
        build(builder, Selection(DEFAULT_PROGRAMME), Patient(note=note), options=LARGE)
    assert error.value.format_message() == "the patient note does not fit on page one; shorten it"


# -- education sections --
def test_sections_are_in_the_outline_on_their_pages(default: Built, library: Library) -> None:
    programme = library.programmes[DEFAULT_PROGRAMME]
    entries = {title: (level, page) for level, title, page in default.outline}
    for section_id in programme.sections:
        title = library.sections[section_id].title
        assert title in entries, title
        assert title in default.pages[entries[title][1] - 1]


def test_markdown_headings_lists_tables_callouts_and_links(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(sections=["markdown-tour"]))
    text = " ".join(built.pages)
    for piece in [
        "A tour of Markdown",
        "Read the NHS advice on calf pain first.",
        "Small heading",
        "First point",
        "Muscle Knee Soleus Bent Gastrocnemius Straight",
        "Stop if the pain is sharp.",
    ]:
        assert piece in text, piece
    assert "A tour of Markdown" in [title for _, title, _ in built.outline]
    uris = link_uris(built.reader)
    assert "https://www.nhs.uk/conditions/calf-pain/" in uris
    assert "https://doi.org/10.1000/xyz123" in uris  # the cited source's DOI
    # A non-Latin URL is a link, not broken markup (it once put <font> tags in the href).
    assert "https://пример.рф/страница" in uris
    assert "Русский источник. https://пример.рф/страница" in text


def test_a_call_out_that_fits_a_page_moves_whole_to_the_next(clinic_builder: Builder) -> None:
    # Split at a page foot, a call-out's tinted box once held no text: its text went on
    # to the next page (or only its padding did).
    built = build(clinic_builder, Selection(sections=["callouts"]), Patient())
    handout = built.handout
    theme = clinic_builder.theme(handout.brand, handout.logo, handout.options)
    wash = f"{fp_str(theme.accent_wash.rgb())} rg".encode()
    starts = []
    for n in range(24):
        [page] = built.pages_with(f"Callout{n:02d} starts.")
        assert built.pages_with(f"End{n:02d}.") == [page], n
        starts.append(page)
    for number, page in enumerate(built.reader.pages, 1):  # one tinted box per call-out
        assert page.get_contents().get_data().count(wash) == starts.count(number), number
    assert len(set(starts)) > 2  # the call-outs met several page feet


# -- the tracking sheet --
def test_tick_boxes_are_at_least_6_mm_and_larger_in_large_print(
    builder: Builder, default: Built
) -> None:
    handout = default.handout
    normal = builder.theme(handout.brand, handout.logo, Options())
    large = builder.theme(handout.brand, handout.logo, Options(large_print=True))
    assert normal.box_size >= 6 * mm
    assert large.box_size > normal.box_size
    for theme in (normal, large):
        geometry = _geometry(theme)
        assert geometry.cell_width >= theme.box_size and geometry.row_height >= theme.box_size


def test_tracking_sheet_rows_targets_pain_rows_and_rule(default: Built) -> None:
    [number] = default.landscape_pages()
    page = default.pages[number - 1]
    handout = default.handout
    assert page.startswith(handout.brand.name) or handout.brand.name in page
    assert "Tracking sheet" in page
    for week in range(1, 7):
        assert f"Week {week}" in page
    for exercise in handout.exercises:
        assert exercise.name in page
        weekly = [
            target(next(r for r in handout.phase_for(w).rows if r.exercise.id == exercise.id))
            if any(r.exercise.id == exercise.id for r in handout.phase_for(w).rows)
            else "–"
            for w in range(1, 7)
        ]
        assert " ".join(weekly) in page, exercise.id
    assert "L1 · 3×15 L1 · 3×15 L2 · " in page  # bent-knee raise: level 1, then level 2
    assert "Pain during (0–10)" in page and "Pain next morning (0–10)" in page
    assert "Notes" in page
    assert "Pain rule " + norm(handout.pain_rule) in page


def test_doses_read_as_sentences_mid_line(library: Library) -> None:
    lunge = library.exercises["pool-noodle-lunge"]
    row = Row(lunge, lunge.levels[0].model_copy(update={"rest": "As needed"}))
    assert dose_line(row) == "2 × To fatigue · Controlled · rest as needed · Bodyweight"
    assert target(row) == "L1 · 2× to fatigue"
    short_foot = library.exercises["short-foot"]
    assert target(Row(short_foot, short_foot.levels[0])) == "L1 · 2×8–12/foot"
    assert [lower_first(text) for text in ("As needed", "RPE 7", "60 s", "A band")] == [
        "as needed",
        "RPE 7",
        "60 s",
        "a band",
    ]


def test_equipment_for_a_later_level_is_listed_only_when_the_handout_reaches_it(
    library: Library, default: Built
) -> None:
    seated = library.exercises["seated-soleus-raise"]
    weights = "A dumbbell, kettlebell or barbell (from level 2)"
    assert equipment_needed(seated, {1}) == ["A sturdy chair or bench"]
    assert equipment_needed(seated, {1, 2}) == ["A sturdy chair or bench", weights]
    assert equipment_needed(seated, set()) == seated.equipment  # no schedule: list it all
    # The default programme uses the balance–reach drill at level 1 only, the seated raise
    # from level 2.
    text = norm(" ".join(default.pages))
    assert "Dumbbells (level 2)" not in text
    # "; " between items that hold commas, the later ones in lower case mid-line
    assert f"You need: A sturdy chair or bench; a{weights[1:]}" in text


def test_no_tracking_page_holds_only_the_pain_and_notes_rows(variants: Variants) -> None:
    built = variants["large-print"]  # tall rows: the sheet runs over two pages a week block
    pages = [built.pages[number - 1] for number in built.landscape_pages()]
    assert len(pages) > 2
    names = [exercise.name for exercise in built.handout.exercises]
    assert all(any(name in page for name in names) for page in pages)
    assert sum("Pain during" in page for page in pages) == len(pages) // 2


def test_a_note_keeps_its_lines_and_paragraphs(builder: Builder) -> None:
    note = "This week:\n1. Calf raises daily\n2. Walk 20 minutes\n\nCall us if it swells."
    built = build(builder, Selection(DEFAULT_PROGRAMME), Patient(name="Ann", note=note))
    lines = built.reader.pages[0].extract_text().splitlines()
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


def test_fillable_boxes_are_uniquely_named_fields(variants: Variants, tmp_path: Path) -> None:
    built = variants["fillable"]
    handout = built.handout
    fields = built.reader.get_fields()
    names = [
        str(ref.get_object()["/T"])
        for page in built.reader.pages
        for ref in page.get("/Annots", [])
        if "/T" in ref.get_object()
    ]
    assert len(names) == len(set(names)), "duplicate field names"
    sessions = handout.weeks * handout.sessions_per_week
    sided = {row.exercise.id for phase in handout.phases for row in phase.rows if row.dose.per_side}
    expected = sum(2 if ex.id in sided else 1 for ex in handout.exercises) * sessions
    expected += 2 * sessions + handout.weeks  # two pain rows, one notes line a week
    assert len(fields) == expected == len(names)
    # L and R rows for exercises done on each side, one row for the others.
    assert "bent-knee-calf-raise.L.w6.s3" in fields and "bent-knee-calf-raise.R.w1.s1" in fields
    assert "seated-soleus-raise.x.w1.s1" in fields
    assert not any(name.startswith("seated-soleus-raise.L") for name in fields)
    assert "pain-during.w6.s3" in fields and "notes.w6" in fields
    assert all(emb == "yes" for _, emb in pdffonts(built.pdf, tmp_path))
    qpdf_check(built.pdf, tmp_path)


def test_fillable_fields_type_in_a_font_with_every_western_letter(variants: Variants) -> None:
    """The pages' subset lacks letters the handout never prints ("Q", "é"); typing needs them."""
    from fontTools.ttLib import TTFont

    acro = variants["fillable"].reader.trailer["/Root"]["/AcroForm"]
    assert str(acro["/DA"]).startswith("/HOFont ")
    font = acro["/DR"]["/Font"]["/HOFont"].get_object()
    assert font["/Encoding"] == "/WinAnsiEncoding"
    program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
    cmap = TTFont(io.BytesIO(program)).getBestCmap()
    typed = "Very sore! Quiz XYZ? 50% [left] #3 Renée Müller Øst ß €"
    assert not [char for char in typed if ord(char) not in cmap and not char.isspace()]
    widths = font["/Widths"]
    assert len(widths) == 224 and widths[ord("W") - 32] > widths[ord("i") - 32] > 0


def test_the_form_font_keeps_the_face_timestamps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the time it was made: the same --date must give the same --fillable file."""
    from fontTools.misc import timeTools
    from fontTools.ttLib import TTFont

    from handouts.render.fonts import print_ready, resolve_family
    from handouts.render.forms import form_font

    path = print_ready(resolve_family("Atkinson Hyperlegible", []).face("regular"))
    monkeypatch.setattr(timeTools, "timestampNow", lambda: 0)
    program = form_font.__wrapped__(str(path)).program
    assert TTFont(io.BytesIO(program))["head"].modified == TTFont(path)["head"].modified != 0


def test_fillable_notes_take_several_lines_in_text_sized_to_fit(variants: Variants) -> None:
    # Single-line at a fixed 10 pt, a Notes field showed about 12 characters.
    multiline = 1 << 12
    notes = [
        annot
        for page in variants["fillable"].reader.pages
        for annot in (ref.get_object() for ref in page.get("/Annots", []))
        if str(annot.get("/T", "")).startswith("notes.")
    ]
    assert len(notes) == variants["fillable"].handout.weeks
    for note in notes:
        assert int(note["/Ff"]) & multiline and "/MaxLen" not in note
        assert str(note["/DA"]).split()[1] == "0"  # auto size


def test_ten_exercises_for_six_weeks_fit_one_tracking_page(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS[:10]]))
    assert (built.handout.weeks, built.handout.sessions_per_week) == (6, 3)
    tracking = built.landscape_pages()
    assert len(tracking) == 1
    assert len(built.pages_with("Tracking sheet")) == 1
    page = built.pages[tracking[0] - 1]
    assert all(f"Grid drill {n:02d}" in page for n in range(1, 11))
    assert "Week 6" in page and "Notes" in page


def test_the_default_programme_fits_one_tracking_page(default: Built) -> None:
    assert len(default.landscape_pages()) == 1
    assert default.pages_with("Tracking sheet (continued)") == []


def text_sizes(page) -> list[tuple[str, float]]:  # noqa: ANN001 - a pypdf page
    """(text, printed size in points) for each run of text on a page."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), size * abs(tm[3] * cm[3])))

    page.extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("sessions", [1, 2])
def test_once_or_twice_a_week_the_tracking_sheet_stays_readable(
    builder: Builder, sessions: int
) -> None:
    # Weeks were as narrow as their one or two tick boxes: "Week 1" broke into "We" / "ek 1"
    # and the targets shrank to 5 pt.
    built = build(builder, Selection(DEFAULT_PROGRAMME, sessions=sessions))
    [number] = built.landscape_pages()
    page = built.pages[number - 1]
    assert " ".join(f"Week {week}" for week in range(1, 7)) in page
    assert "L1 · 3×15 L1 · 3×15 L2 · 3×12–15/leg" in page
    theme = builder.theme(built.handout.brand, built.handout.logo, Options())
    sizes = text_sizes(built.reader.pages[number - 1])
    assert min(size for _, size in sizes) >= theme.small_size * 0.95, sorted(
        sizes, key=lambda r: r[1]
    )[:3]


def test_twelve_weeks_continue_on_further_pages(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS[:10]], weeks=12))
    tracking = built.landscape_pages()
    assert len(tracking) >= 2
    texts = [built.pages[n - 1] for n in tracking]
    assert "Tracking sheet" in texts[0] and "(continued)" not in texts[0]
    assert all("Tracking sheet (continued)" in text for text in texts[1:])
    assert all("Pain rule" in text for text in texts)
    weeks = " ".join(texts)
    assert all(f"Week {week} " in weeks for week in range(1, 13))


def test_twenty_exercises_continue_on_further_pages(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS]))
    tracking = built.landscape_pages()
    assert len(tracking) >= 2
    texts = [built.pages[n - 1] for n in tracking]
    assert all("Tracking sheet (continued)" in text for text in texts[1:])
    for n in range(1, 21):  # every exercise once, never split from its boxes
        assert sum(f"Grid drill {n:02d}" in text for text in texts) == 1, n
    assert all("Week 1 " in text for text in texts)  # week headers repeat


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
needs_dejavu = pytest.mark.skipif(
    not (DEJAVU / "DejaVuSerif.ttf").is_file(), reason="DejaVu fonts not installed"
)


def font_brand(tmp_path: Path, font: str, extra: str = "") -> Path:
    path = tmp_path / "wide.yaml"
    path.write_text(
        f"name: Wide Clinic\nfont: {font}\ncontact: ['01234 567890', hello@example.com]\n{extra}",
        "utf-8",
    )
    return path


@pytest.fixture(scope="module")
def dejavu_builder(library: Library) -> Builder:
    return Builder(library, font_dirs=[DEJAVU])


@needs_dejavu
@pytest.mark.parametrize(("font", "paper"), [("DejaVu Sans", "letter"), ("DejaVu Serif", "a4")])
def test_large_print_with_a_wide_font_fits_the_pain_rule_beside_the_grid(
    dejavu_builder: Builder, library: Library, tmp_path: Path, font: str, paper: str
) -> None:
    # The sidebar (title, how-to, pain rule) was taller than the page: no handout built.
    brand = font_brand(tmp_path, font)
    for programme in library.programmes:
        built = build(
            dejavu_builder,
            Selection(programme),
            brand_file=brand,
            options=Options(paper=paper, large_print=True),
        )
        tracking = [built.pages[n - 1] for n in built.landscape_pages()]
        assert "Pain rule " + norm(built.handout.pain_rule) in tracking[0], programme


def long_rule_builder(library: Library, tmp_path: Path, words: int) -> Builder:
    """The built-in library plus a copy of the default programme with a long pain rule."""
    import yaml

    folder = tmp_path / "rule" / "programmes"
    folder.mkdir(parents=True)
    source = library.origin("programmes", DEFAULT_PROGRAMME)
    programme = yaml.safe_load(Path(source).read_text("utf-8"))
    default = programme["pain_rule"].split()
    rule = " ".join(default[n % len(default)] for n in range(words - 1)) + " Endrule."
    programme.update(id="long-rule", pain_rule=rule)
    (folder / "long-rule.yaml").write_text(yaml.safe_dump(programme), "utf-8")
    return Builder(load_library([tmp_path / "rule"]))


def test_a_long_pain_rule_shrinks_on_page_one_and_later_pages_point_back(
    library: Library, tmp_path: Path
) -> None:
    # 84 words did not fit beside the grid in large print.
    built = build(long_rule_builder(library, tmp_path, 84), Selection("long-rule"), options=LARGE)
    handout = built.handout
    first, *later = built.landscape_pages()
    assert later
    assert "Pain rule " + norm(handout.pain_rule) in built.pages[first - 1]
    sizes = dict(text_sizes(built.reader.pages[first - 1]))
    theme = built_theme(built)
    size = next(size for text, size in sizes.items() if "Endrule" in text)
    assert theme.small_size <= size < theme.body_size
    for number in later:
        assert "Pain rule As on the first page" in built.pages[number - 1]
        assert "Endrule" not in built.pages[number - 1]


def built_theme(built: Built):  # noqa: ANN201 - Theme
    handout = built.handout
    return Builder(load_library()).theme(handout.brand, handout.logo, handout.options)


def test_an_absurdly_long_pain_rule_is_a_one_line_error_naming_it(
    library: Library, tmp_path: Path
) -> None:
    builder = long_rule_builder(library, tmp_path, 400)
    with pytest.raises(RenderError) as raised:
        build(builder, Selection("long-rule"), options=LARGE)
    message = raised.value.format_message()
    assert "\n" not in message
    match = re.search(
        r"long-rule: pain_rule .*\(400 words\); keep it to about (\d+) words", message
    )
    assert match, message
    fitting = int(match[1])
    assert 60 < fitting < 400
    assert build(
        long_rule_builder(library, tmp_path / "fits", fitting),
        Selection("long-rule"),
        options=LARGE,
    ).pdf


def label_overflows(built: Built, builder: Builder) -> list[str]:
    """Labels of the tracking grid taller than the rows they span."""
    from handouts.render.grid import tracking_grid

    handout = built.handout
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    layouts = [f for f in tracking_grid(theme, handout) if isinstance(f, Table)]
    found = []
    for layout in layouts:
        grid = layout._cellvalues[0][0]
        grid.wrap(layout._colWidths[0], 1e6)
        for row, cells in enumerate(grid._cellvalues):
            label = cells[0]
            if not isinstance(label, Paragraph) or row < 2:
                continue
            c0, r0, c1, r1 = grid._spanRanges[(0, row)]
            width = sum(grid._colWidths[c0 : c1 + 1]) - 2 * mm
            if label.wrap(width, 1e6)[1] > sum(grid._rowHeights[r0 : r1 + 1]):
                found.append(label.getPlainText())
    return found


LONG_NAME = "Single-leg eccentric heel drop off a step with a straight knee"


def test_a_long_exercise_name_grows_its_rows_rather_than_overflowing(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "exercises"
    folder.mkdir()
    write_exercise(folder, "heel-drop-long", LONG_NAME, ["Lower slowly."])
    builder = Builder(load_library([tmp_path]))
    built = build(builder, Selection(exercises=[("heel-drop-long", None)]))
    assert not label_overflows(built, builder)
    [number] = built.landscape_pages()
    assert LONG_NAME in built.pages[number - 1]


@needs_dejavu
def test_pain_row_labels_in_a_wide_font_stay_inside_their_rows(
    dejavu_builder: Builder, tmp_path: Path
) -> None:
    brand = font_brand(tmp_path, "DejaVu Serif")
    built = build(dejavu_builder, Selection(DEFAULT_PROGRAMME), brand_file=brand)
    assert not label_overflows(built, dejavu_builder)


def text_colours(page) -> set[tuple[float, ...]]:  # noqa: ANN001 - a pypdf page
    """The fill colours (RGB) that text is shown in on a page's own content."""
    from pypdf.generic import ContentStream

    fill: tuple[float, ...] = (0.0, 0.0, 0.0)
    stack, found = [], set()
    content = ContentStream(page.get_contents(), page.pdf)
    for operands, operator in content.operations:
        if operator == b"q":
            stack.append(fill)
        elif operator == b"Q":
            fill = stack.pop()
        elif operator == b"rg":
            fill = tuple(round(float(v), 3) for v in operands)
        elif operator == b"g":
            fill = (round(float(operands[0]), 3),) * 3
        elif operator in (b"Tj", b"TJ", b"'", b'"'):
            found.add(fill)
    return found


def test_headings_in_a_light_brand_colour_are_darkened_to_read_on_white(
    builder: Builder, tmp_path: Path
) -> None:
    # The band switched to dark text, but titles, headings and "Weeks 1–2" stayed #66CCFF (1.8:1).
    from reportlab.lib.colors import Color

    from handouts.render.theme import WHITE, contrast, tint

    brand = tmp_path / "sky.yaml"
    brand.write_text('name: Sky Physio\nprimary: "#66CCFF"\n', "utf-8")
    built = build(builder, Selection(DEFAULT_PROGRAMME), brand_file=brand)
    cards = built.pages_with("Your exercises")[0]
    pages = [text_colours(built.reader.pages[number - 1]) for number in (1, cards)]
    for colours in pages:  # title, headings, phase rows, card titles, step numbers
        assert all(contrast(Color(*rgb), WHITE) >= 4.5 for rgb in colours), colours
    theme = builder.theme(built.handout.brand, built.handout.logo, Options())
    assert 4.5 <= contrast(theme.primary_text, tint(theme.primary, 0.09)) < 4.7  # just enough
    assert all(tuple(round(c, 3) for c in theme.primary_text.rgb()) in c for c in pages)


# -- sources --
def test_sources_come_last(default: Built) -> None:
    level, title, page = default.outline[-1]
    assert (level, title, page) == (0, "Sources", len(default.pages))
    last = default.pages[-1]
    for source in default.handout.sources:
        assert norm(source.title) in last, source.id


# -- print quality --
@pytest.mark.parametrize("variant", ["default", "large-print", "ink-saver", "fillable"])
def test_every_font_is_embedded_and_qpdf_is_happy(
    variant: str, default: Built, variants: Variants, tmp_path: Path
) -> None:
    built = default if variant == "default" else variants[variant]
    fonts = pdffonts(built.pdf, tmp_path)
    assert fonts, "no fonts listed"
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert not any("Helvetica" in name or "Times" in name for name, _ in fonts), fonts
    qpdf_check(built.pdf, tmp_path)


def test_margins_and_body_size(builder: Builder, default: Built) -> None:
    handout = default.handout
    for large in (False, True):
        theme = builder.theme(handout.brand, handout.logo, Options(large_print=large))
        assert theme.margin >= 12 * mm
        assert theme.top_margin >= 12 * mm and theme.bottom_margin >= 12 * mm
        assert theme.body_size >= (14 if large else 11)
        assert theme["body"].fontSize == theme.body_size


def test_large_print_uses_larger_text(variants: Variants, default: Built) -> None:
    large = variants["large-print"]
    assert len(large.pages) > len(default.pages)
    assert large.handout.title in large.pages[0]
    assert "Page 1 of" in large.pages[0]


def page_bodies(built: Built) -> list[str]:
    """Each page's text without the header and footer."""
    brand, total = built.handout.brand, len(built.pages)
    frame = [brand.name, brand.website or "", " · ".join(brand.contact)]
    frame.append(f"{format_date(built.handout.date)} · {norm(brand.disclaimer)}")
    bodies = []
    for number, text in enumerate(built.pages, 1):
        for part in [*frame, f"Page {number} of {total}"]:
            text = text.replace(part, "", 1)
        bodies.append(norm(text))
    return bodies


@pytest.mark.parametrize(
    ("programme", "paper"),
    [(DEFAULT_PROGRAMME, "a4"), ("home-no-gym", "a4"), (DEFAULT_PROGRAMME, "letter")],
)
def test_large_print_has_no_empty_or_heading_only_pages(
    builder: Builder, variants: Variants, programme: str, paper: str
) -> None:
    # A card that fits a page alone once did not fit with the gap below it: an empty page
    # before it. "Your exercises" and its intro sentence (16 words) sat alone on a page when
    # the first card could not join them. On letter paper the gap after the workout table
    # went on to a page of its own.
    if (programme, paper) == (DEFAULT_PROGRAMME, "a4"):
        built = variants["large-print"]
    else:
        options = Options(large_print=True, paper=paper)
        built = build(builder, Selection(programme), options=options)
    for number, body in enumerate(page_bodies(built), 1):
        assert len(body.split()) > 20, (number, body)
    for exercise in built.handout.exercises:  # every card still whole on its page(s)
        assert len(built.pages_with(norm(exercise.steps[0]))) == 1, exercise.id


@pytest.mark.parametrize(
    ("programme", "paper"),
    [
        ("soleus-strength-runners", "letter"),
        ("achilles-eccentric", "a4"),
        ("home-no-gym", "a4"),
        ("inner-calf-circuit", "a4"),
    ],
)
def test_every_built_in_programme_builds_in_large_print(
    builder: Builder, programme: str, paper: str
) -> None:
    options = Options(large_print=True, paper=paper)
    built = build(builder, Selection(programme), options=options)
    assert built.handout.title in built.pages[0]


def test_ink_saver_has_no_large_filled_areas(
    builder: Builder, default: Built, variants: Variants, tmp_path: Path
) -> None:
    handout = default.handout
    theme = builder.theme(handout.brand, handout.logo, Options(ink_saver=True))
    assert theme.wash.hexval() == theme.accent_wash.hexval() == "0xffffff"
    # "Large filled area": a ~16 mm square that is more than half ink on average. The check
    # can see one (the normal header band); the tick-box grid's line work is well below it.
    assert darkest_patch(default.pdf, tmp_path, 1) < 128
    ink = variants["ink-saver"]
    for page in (1, *ink.landscape_pages(), len(ink.pages)):
        assert darkest_patch(ink.pdf, tmp_path, page) > 128, page


# -- Unicode --
@pytest.mark.parametrize(
    ("name", "fallback"),
    [("Zoë Łukasiewicz", False), ("Ярослава Іванова", True), ("Σοφία Παπαδοπούλου", True)],
)
def test_names_in_other_scripts_print_with_real_glyphs(
    builder: Builder, tmp_path: Path, name: str, fallback: bool
) -> None:
    built = build(builder, SMALL, Patient(name=name, note=f"For {name}."))
    assert f"Name {name}" in built.pages[0]
    assert f"For {name}." in built.pages[0]
    assert built.reader.metadata.title.endswith(name)
    fonts = pdffonts(built.pdf, tmp_path)
    assert all(emb == "yes" for _, emb in fonts)
    assert any("NotoSans" in font for font, _ in fonts) == fallback
    # The name is bold in the patient block: the fallback's bold face, not its regular one.
    assert any(font.endswith("+NotoSans-Bold") for font, _ in fonts) == fallback


@pytest.mark.parametrize(
    ("patient", "where", "char"),
    [
        (Patient(name="Leg 🦵 day"), "patient name", "U+1F9B5"),
        (Patient(note="Private use \U000f0000 here"), "patient note", "U+F0000"),
        (Patient(clinician="Dr 🦵"), "patient clinician", "U+1F9B5"),
    ],
)
def test_a_character_no_font_has_is_a_one_line_error(
    builder: Builder, patient: Patient, where: str, char: str
) -> None:
    with pytest.raises(RenderError) as error:
        build(builder, Selection(DEFAULT_PROGRAMME), patient)
    message = error.value.format_message()
    assert message.startswith(f"{where}: character ")
    assert char in message and "\n" not in message


# -- user text is data --
def test_user_text_prints_literally(clinic_builder: Builder, clinic: Path) -> None:
    patient = Patient(name=LITERAL, clinician=LITERAL, note=LITERAL)
    built = build(
        clinic_builder,
        Selection(exercises=[("literal-step", None)]),
        patient,
        brand_file=clinic / "literal-brand.yaml",
    )
    page = built.pages[0]
    assert f"Name {LITERAL}" in page and f"Clinician {LITERAL}" in page
    assert f"A note from your clinician {LITERAL}" in page
    assert f"Hello {LITERAL}. This is your 6-week plan from {LITERAL}, set by {LITERAL}." in page
    for text in built.pages:  # the brand name in every header, the contact line in every footer
        assert text.count(LITERAL) >= 2
    card = built.pages[card_page(built, "Say " + LITERAL) - 1]
    assert "Literal step" in card
    assert built.reader.metadata.author == LITERAL
    assert built.reader.metadata.title.endswith(LITERAL)
    assert not link_uris(built.reader)  # <img src=x> and friends never became markup


# -- determinism, metadata, outline and links --
def test_same_inputs_give_identical_bytes(default: Built, library: Library) -> None:
    again = build(Builder(library), Selection(DEFAULT_PROGRAMME))
    assert again.pdf == default.pdf


def test_a_handout_does_not_depend_on_the_ones_built_before_it(
    library: Library, tmp_path: Path
) -> None:
    # A batch shares one Builder (and its cached theme). Find a disclaimer that wraps to
    # one more footer line after a long date than after a short one, then check that the
    # short-date handout is the same whether or not the long-date one came first.
    long_date, short_date = dt.date(2026, 9, 28), dt.date(2026, 5, 1)
    builder = Builder(library)
    handout = builder.compose(Request(Selection(DEFAULT_PROGRAMME), date=short_date))
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    width = theme.frame_width() - 30 * mm

    def height(date: dt.date, words: int) -> float:
        text = f"x<br/>{format_date(date)} · " + " ".join(["word"] * words)
        return Paragraph(text, theme["small"]).wrap(width, 1000)[1]

    words = next(n for n in range(10, 120) if height(long_date, n) > height(short_date, n))
    brand = tmp_path / "brand.yaml"
    disclaimer = " ".join(["word"] * words)
    brand.write_text(f"name: Clinic\ncontact: [x]\ndisclaimer: {disclaimer}\n", "utf-8")
    selection = Selection(sections=["recovery"])  # small and quick
    batch = Builder(library)
    build(batch, selection, brand_file=brand, date=long_date)
    after = build(batch, selection, brand_file=brand, date=short_date)
    alone = build(Builder(library), selection, brand_file=brand, date=short_date)
    assert after.pdf == alone.pdf


def test_source_date_epoch_sets_the_date_reproducibly(
    builder: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = build(builder, SMALL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(calendar.timegm(DATE.timetuple()) + 3600))
    first = build(builder, SMALL, date=None)
    second = build(builder, SMALL, date=None)
    assert first.pdf == second.pdf
    # Same bytes as --date of that day, the file /ID included.
    assert first.pdf == explicit.pdf
    assert DATE_TEXT in first.pages[-1]


def test_an_explicit_date_wins_over_source_date_epoch(
    builder: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = build(builder, SMALL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # 1 January 1970
    assert build(builder, SMALL).pdf == explicit.pdf


def test_a_bad_source_date_epoch_is_a_one_line_error(
    builder: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(HandoutsError, match="SOURCE_DATE_EPOCH='yesterday' is not a whole"):
        build(builder, Selection(DEFAULT_PROGRAMME), date=None)


def test_metadata(default: Built) -> None:
    meta = default.reader.metadata
    handout = default.handout
    assert meta.title == f"{handout.title}: Alex Morgan"
    assert meta.author == "Riverside Physio & Running Clinic"
    assert meta.subject == norm(handout.summary)
    assert "exercise handout" in meta.get("/Keywords") and DEFAULT_PROGRAMME in meta["/Keywords"]
    assert default.reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert meta.creation_date.date() == DATE


def test_private_keeps_the_name_out_of_the_metadata(builder: Builder) -> None:
    built = build(builder, SMALL, options=Options(private=True))
    meta = built.reader.metadata
    assert meta.title == built.handout.title
    assert not any("Alex" in str(value) for value in meta.values())
    assert "Name Alex Morgan" in built.pages[0]  # still printed for the patient


def test_outline_has_every_part_on_its_page(default: Built) -> None:
    handout = default.handout
    outline = default.outline
    titles = [title for _, title, _ in outline]
    parts = [handout.title, "Your programme", "Your exercises", "Tracking sheet", "Sources"]
    positions = [titles.index(part) for part in parts]
    assert positions == sorted(positions)
    for level, title, page in outline:
        if title == "Tracking sheet":
            assert page == default.landscape_pages()[0]
        else:
            assert title in default.pages[page - 1], (title, page)
        if title in parts:
            assert level == 0, title
    # One entry per exercise card, on the card's page, under "Your exercises".
    cards = {title: (level, page) for level, title, page in outline}
    for exercise in handout.exercises:
        assert cards.get(exercise.name) == (1, card_page(default, exercise.steps[0])), exercise.id
    # Sections are not filed under the exercise cards.
    section_levels = {cards[s.title][0] for s in handout.sections}
    assert section_levels == {0}


def test_source_dois_are_clickable_links(builder: Builder) -> None:
    built = build(builder, Selection(DEFAULT_PROGRAMME, sections=["references"]))
    dois = [source.doi for source in built.handout.sources if source.doi]
    assert dois
    uris = link_uris(built.reader)
    for doi in dois:
        assert f"https://doi.org/{doi}" in uris


# -- the shared pages, laid out once per programme --
BATCH = [
    Patient(name="Ann Okafor"),
    Patient(name="Zoë Ødegård-Quinn", clinician="Dr Ξ. Παπαδόπουλος"),  # new and fallback glyphs
    Patient(name="Ben Müller", note="Two sessions a week while your exams are on."),
    Patient(name="Cat Jones", start=dt.date(2026, 3, 9)),
]


def test_each_patient_of_a_batch_gets_the_bytes_of_a_build_on_its_own(library: Library) -> None:
    batch = Builder(library)
    in_batch = [build(batch, Selection(DEFAULT_PROGRAMME), patient).pdf for patient in BATCH]
    for patient, pdf in zip(BATCH, in_batch, strict=True):
        alone = build(Builder(library), Selection(DEFAULT_PROGRAMME), patient).pdf
        assert pdf == alone, patient.name
    first, second = (reader_text(pdf) for pdf in in_batch[:2])
    assert "Zoë Ødegård-Quinn" in first[0] + second[0]
    assert "Dr Ξ. Παπαδόπουλος" in second[0]
    # Only page one's block is personal. Zoë's clinician row makes it taller, which can move
    # a workout row to page two; from the exercise cards on, the pages are the same.
    cards = [
        next(i for i, page in enumerate(pdf) if "Your exercises" in page) for pdf in (first, second)
    ]
    assert cards[0] == cards[1]
    assert first[cards[0] :] == second[cards[0] :]


def reader_text(pdf: bytes) -> list[str]:
    return [norm(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_transparent_png_logo_is_stored_once_and_shared_pages_stay_exact(
    library: Library, tmp_path: Path
) -> None:
    logo = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    logo.paste((31, 95, 139, 255), (20, 20, 100, 100))  # a blue square on transparency
    logo.save(tmp_path / "logo.png")
    brand = tmp_path / "png-brand.yaml"
    brand.write_text("name: Square Clinic\nlogo: logo.png\n", encoding="utf-8")
    batch = Builder(library)
    in_batch = [
        build(batch, Selection(DEFAULT_PROGRAMME), patient, brand_file=brand).pdf
        for patient in BATCH[:2]
    ]
    alone = build(Builder(library), Selection(DEFAULT_PROGRAMME), BATCH[1], brand_file=brand)
    assert in_batch[1] == alone.pdf
    qpdf_check(alone.pdf, tmp_path)
    pages = alone.reader.pages
    assert all(image_xobjects(page) == 1 for page in pages)  # in the header, on every page
    images = {
        obj.idnum  # an indirect reference: the object number
        for page in pages
        for form in page["/Resources"]["/XObject"].values()
        for obj in (form.get_object().get("/Resources") or {}).get("/XObject", {}).values()
    }
    assert len(images) == 1  # stored once, shared by the portrait and landscape headers
    forms = [form.get_object() for form in pages[0]["/Resources"]["/XObject"].values()]
    (image,) = [
        obj.get_object()
        for form in forms
        for obj in (form.get("/Resources") or {}).get("/XObject", {}).values()
    ]
    assert "/SMask" in image  # the transparency survives


def test_shared_pages_are_laid_out_once_per_programme_and_page_one_height(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.render import pdf

    laid_out: list[str] = []
    record = pdf._record

    def counting(theme, handout, reserved):  # noqa: ANN001, ANN202
        laid_out.append(handout.id)
        return record(theme, handout, reserved)

    monkeypatch.setattr(pdf, "_record", counting)
    batch = Builder(library)
    for patient in (BATCH[0], BATCH[3], Patient(name="Dee"), BATCH[2], Patient(name="Eve")):
        build(batch, Selection(DEFAULT_PROGRAMME), patient)
    # Ann, Cat, Dee and Eve share one layout; Ben's note makes page one's block taller.
    assert laid_out == [DEFAULT_PROGRAMME, DEFAULT_PROGRAMME]
    build(batch, Selection(DEFAULT_PROGRAMME), BATCH[0], options=Options(large_print=True))
    assert len(laid_out) == 3  # other options, other pages


def test_a_taller_page_one_block_pushes_the_programme_down(library: Library) -> None:
    builder = Builder(library)
    plain = build(builder, Selection(DEFAULT_PROGRAMME), BATCH[0])
    noted = build(builder, Selection(DEFAULT_PROGRAMME), BATCH[2])
    assert "A note from your clinician" in noted.pages[0]
    assert "A note from your clinician" not in plain.pages[0]
    # Page one holds fewer workout rows when the note takes room; nothing is lost.
    # Each workout row names its level ("Level 1: Double-leg, bodyweight"); cards start later.
    rows = [page.count("Level ") for page in (plain.pages[0], noted.pages[0])]
    assert rows[0] > rows[1]
    assert sum(p.count("Level ") for p in plain.pages) == sum(
        p.count("Level ") for p in noted.pages
    )


# -- through the command line --
def test_cli_build_writes_the_same_pdf(
    default: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUTS_NO_BUILTIN", raising=False)
    args = ["build", "--date", "2026-03-01", "--patient", "Alex Morgan", "--clinician"]
    args += ["Sam Okafor", "--start", "2026-03-02", "--note", PATIENT.note, "-o", "out.pdf"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.pdf").read_bytes() == default.pdf


def test_cli_bad_character_is_one_line_and_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HANDOUTS_NO_BUILTIN", raising=False)
    result = CliRunner().invoke(main, ["build", "--patient", "Leg 🦵", "-o", "out.pdf"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: patient name: character")
    assert not (tmp_path / "out.pdf").exists()
