"""The page frame: header, footer, logo tile, metadata, outline and reproducible bytes."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

import pytest
from handout_pdf import (
    DATE,
    DATE_TEXT,
    SMALL,
    Built,
    Variants,
    build,
    card_page,
    norm,
    pdffonts,
    qpdf_check,
)
from PIL import Image
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Options, Selection
from handouts.content.library import Library
from handouts.errors import HandoutsError
from handouts.render.document import format_date
from handouts.render.header import fit_name
from handouts.render.theme import PAPER_EDGE


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
        assert f"{default.handout.patient.name} · {DATE_TEXT}" in text, number
    assert f"Page {total + 1} of" not in " ".join(default.pages)
    # The clinic's disclaimer (its "stop and seek advice") is said once, on page one.
    assert norm(brand.disclaimer) in default.pages[0]
    assert " ".join(default.pages).count(norm(brand.disclaimer)) == 1


def test_the_header_and_footer_are_stored_once_per_page_width(default: Built) -> None:
    """Each page draws two form XObjects, a header and the footer: page one the full band,
    every later page the same running head (one per page width)."""
    shared: dict[float, set[tuple[int, ...]]] = {}
    for number, page in enumerate(default.reader.pages, 1):
        forms = {str(name): ref.idnum for name, ref in page["/Resources"]["/XObject"].items()}
        header = "/FormXob.HOHead" if number == 1 else "/FormXob.HORun"
        headers = sorted(idnum for name, idnum in forms.items() if name.startswith(header))
        footers = sorted(idnum for name, idnum in forms.items() if "HOFoot" in name)
        assert len(headers) == 1 and len(footers) == 1, number
        assert not any("HOHead" in name for name in forms) or number == 1
        if number > 1:
            shared.setdefault(float(page.mediabox.width), set()).add((*headers, *footers))
    assert len(shared) == 1  # every page portrait, the tracking sheet too
    assert all(len(pairs) == 1 for pairs in shared.values())


def test_pages_after_the_first_give_their_text_more_room(default: Built) -> None:
    """The running head of the later pages takes less of the page than page one's band:
    their text starts higher, still PAPER_EDGE clear of the top."""
    brand = default.handout.brand
    tops = []
    for page in default.reader.pages[:3]:
        height, baselines = float(page.mediabox.height), []

        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip() and text.strip() not in (brand.name, brand.website):
                baselines.append(height - (tm[5] * cm[3] + cm[5]))  # noqa: B023

        page.extract_text(visitor_text=visit)
        tops.append(min(baselines))
    assert tops[1] < tops[0] - 5 * mm and tops[2] < tops[0] - 5 * mm, tops
    assert min(tops) > PAPER_EDGE


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


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_the_running_head_shows_the_whole_name_before_the_website(
    library: Library, tmp_path: Path, paper: str
) -> None:
    """Pages after the first carry the name on one line; where it does not fit whole
    beside the website (a long name on A5), the website (on page one) gives way."""
    brand = tmp_path / "long.yaml"
    website = "https://northsidephysio.example.com"
    brand.write_text(f'name: "{LONG_NAME}"\nwebsite: {website}\n', encoding="utf-8")
    built = build(Builder(library), SMALL, brand_file=brand, options=Options(paper=paper))
    assert len(built.reader.pages) > 1
    runs = header_runs(built.reader.pages[1])
    assert [text for _, _, text in runs if text != website] == [LONG_NAME]
    assert (website in [text for _, _, text in runs]) == (paper == "a4")


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
    parts = [handout.title, "Your programme", "Your exercises", "Sources", "Tracking sheet"]
    positions = [titles.index(part) for part in parts]
    assert positions == sorted(positions)
    for level, title, page in outline:
        if title == "Tracking sheet":
            assert page == default.tracking_pages()[0]
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
