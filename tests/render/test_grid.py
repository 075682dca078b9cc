"""The tracking sheet: rows, targets, pain rule and how it continues over pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from handout_pdf import (
    GRID_IDS,
    LARGE,
    Built,
    Variants,
    build,
    norm,
    write_exercise,
)
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Options, Selection
from handouts.content.library import Library
from handouts.content.loader import load_library
from handouts.render.grid_geometry import measure
from handouts.render.grid_rows import target
from handouts.render.grid_table import TrackingGrid


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
        geometry, _ = measure(theme, handout)
        assert geometry.cell_width >= theme.box_size and geometry.row_height >= theme.box_size


def test_tracking_sheet_rows_targets_pain_rows_and_rule(default: Built) -> None:
    [number] = default.tracking_pages()
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
            else "Not this week"
            for w in range(1, 7)
        ]
        assert " ".join(weekly) in page, exercise.id
    assert "L1 · 3×15 L1 · 3×15 L2 · " in page  # bent-knee raise: level 1, then level 2
    assert "Pain during" in page and "Pain next morning" in page
    assert "Notes" in page
    assert "Pain rule " + norm(handout.pain_rule) in page
    assert page.startswith(handout.brand.name) and default.tracking_pages() == [len(default.pages)]


def test_no_tracking_page_holds_only_the_pain_rows(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS]), options=LARGE)
    pages = [built.pages[number - 1] for number in built.tracking_pages()]
    assert len(pages) > 2
    names = [f"Grid drill {n:02d}" for n in range(1, 21)]
    assert all(any(name in page for name in names) for page in pages)
    assert sum("Pain during" in page for page in pages) >= 1


def test_large_print_fits_six_weeks_of_six_exercises_on_two_pages(variants: Variants) -> None:
    built = variants["large-print"]
    assert (built.handout.weeks, len(built.handout.exercises)) == (6, 6)
    assert len(built.tracking_pages()) <= 2


def test_unscheduled_weeks_are_shaded_without_boxes(default: Built) -> None:
    [number] = default.tracking_pages()
    page = default.pages[number - 1]
    assert page.count("Not this week") == 4  # balance-reach starts in week 5
    shade = b".86 g"
    assert shade in default.reader.pages[number - 1].get_contents().get_data()


def test_ten_exercises_for_six_weeks_fit_one_tracking_page(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS[:10]]))
    assert (built.handout.weeks, built.handout.sessions_per_week) == (6, 3)
    tracking = built.tracking_pages()
    assert len(tracking) == 1
    assert len(built.pages_with("Tracking sheet")) == 1
    page = built.pages[tracking[0] - 1]
    assert all(f"Grid drill {n:02d}" in page for n in range(1, 11))
    assert "Week 6" in page and "Notes" in page


def test_the_default_programme_fits_one_tracking_page(default: Built) -> None:
    assert len(default.tracking_pages()) == 1
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
    [number] = built.tracking_pages()
    page = built.pages[number - 1]
    assert all(f"Week {week}" in page for week in range(1, 7))
    assert "L1 · 3×15 L1 · 3×15 L2 · 3×12–15/leg" in page
    theme = builder.theme(built.handout.brand, built.handout.logo, Options())
    total = str(len(built.reader.pages))
    footer = {f"Page {total} of", total, f"{built.handout.patient.name} · 1 March 2026"}
    footer |= {" · ".join(built.handout.brand.contact)}  # the footer's fine print: 8 pt
    sizes = [run for run in text_sizes(built.reader.pages[number - 1]) if run[0] not in footer]
    assert min(size for _, size in sizes) >= theme.small_size * 0.95, sorted(
        sizes, key=lambda r: r[1]
    )[:3]


def test_twelve_weeks_continue_on_further_pages(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS[:10]], weeks=12))
    tracking = built.tracking_pages()
    assert len(tracking) >= 2
    texts = [built.pages[n - 1] for n in tracking]
    assert "Tracking sheet" in texts[0] and "(continued)" not in texts[0]
    assert all("Tracking sheet (continued)" in text for text in texts[1:])
    assert all("Pain rule" in text for text in texts)
    weeks = " ".join(texts)
    assert all(f"Week {week}" in weeks for week in range(1, 13))


def test_twenty_exercises_continue_on_further_pages(clinic_builder: Builder) -> None:
    built = build(clinic_builder, Selection(exercises=[(i, None) for i in GRID_IDS]))
    tracking = built.tracking_pages()
    assert len(tracking) >= 2
    texts = [built.pages[n - 1] for n in tracking]
    assert all("Tracking sheet (continued)" in text for text in texts[1:])
    for n in range(1, 21):  # every exercise once, never split from its boxes
        assert sum(f"Grid drill {n:02d}" in text for text in texts) == 1, n
    assert all("Week 1" in text for text in texts)  # week headers repeat


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
        tracking = [built.pages[n - 1] for n in built.tracking_pages()]
        rule = norm(built.handout.pain_rule)
        # In full beside the notes where it fits, else a pointer to page one's.
        assert "Pain rule " + rule in tracking[0] or "rule is on the first page" in tracking[0]
        assert rule in " ".join(built.pages[: built.tracking_pages()[0] - 1]), programme


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


def test_a_long_pain_rule_shrinks_beside_the_notes_or_points_back(
    library: Library, tmp_path: Path
) -> None:
    # 84 words did not fit beside the grid in large print.
    built = build(long_rule_builder(library, tmp_path, 84), Selection("long-rule"), options=LARGE)
    handout = built.handout
    before = " ".join(built.pages[: built.tracking_pages()[0] - 1])
    assert norm(handout.pain_rule) in before  # in full near the start
    theme = built_theme(built)
    for number in built.tracking_pages():
        text = built.pages[number - 1]
        if "Endrule" in text:
            sizes = dict(text_sizes(built.reader.pages[number - 1]))
            size = next(size for text, size in sizes.items() if "Endrule" in text)
            assert theme.small_size <= size <= theme.body_size
        else:
            assert "Pain rule Your pain rule is on the first page" in text


def built_theme(built: Built):  # noqa: ANN201 - Theme
    handout = built.handout
    return Builder(load_library()).theme(handout.brand, handout.logo, handout.options)


def test_an_absurdly_long_pain_rule_prints_on_page_one_and_the_sheet_points_to_it(
    library: Library, tmp_path: Path
) -> None:
    built = build(long_rule_builder(library, tmp_path, 400), Selection("long-rule"), options=LARGE)
    assert "Endrule" in " ".join(built.pages[: built.tracking_pages()[0] - 1])
    for number in built.tracking_pages():
        assert "Your pain rule is on the first page" in built.pages[number - 1]


def label_overflows(built: Built, builder: Builder) -> list[str]:
    """Labels of the tracking grid taller than the rows they span."""
    from handouts.render.grid import tracking_grid

    handout = built.handout
    theme = builder.theme(handout.brand, handout.logo, handout.options)
    grids = [f for f in tracking_grid(theme, handout) if isinstance(f, TrackingGrid)]
    found = []
    for grid in grids:
        grid.wrap(theme.frame_width(), 1e6)
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
    [number] = built.tracking_pages()
    assert LONG_NAME in built.pages[number - 1]


@needs_dejavu
def test_pain_row_labels_in_a_wide_font_stay_inside_their_rows(
    dejavu_builder: Builder, tmp_path: Path
) -> None:
    brand = font_brand(tmp_path, "DejaVu Serif")
    built = build(dejavu_builder, Selection(DEFAULT_PROGRAMME), brand_file=brand)
    assert not label_overflows(built, dejavu_builder)
