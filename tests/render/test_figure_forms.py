"""Each exercise figure is painted once per handout, as a form its card, the workout
table and the tracking sheet all draw: the card's form draws its end pose's form."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from handout_pdf import Built

from handouts.content.loader import load_library
from handouts.render.figures import figure_picture
from handouts.render.figures.check import exercise_figures
from handouts.render.figures.paint import LINE_WIDTH, colour_style

DO = re.compile(rb"/(FormXob\.Fig\w+) Do")
FIGURES = [
    (f"{exercise.id}:{field}", figure)
    for exercise in load_library().exercises.values()
    for field, figure in exercise_figures(exercise).items()
]


def _figure_forms(pdf: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Object]:
    """Every figure form in the file, by object: drawn by a page or inside another form."""
    found: dict[tuple[int, int], pikepdf.Object] = {}
    todo = [xobject for page in pdf.pages for xobject in page.Resources.get("/XObject", {}).items()]
    while todo:
        name, form = todo.pop()
        if "Fig" in name and form.objgen not in found:
            found[form.objgen] = form
            todo += list(form.get("/Resources", {}).get("/XObject", {}).items())
    return found


def _drawn(page: pikepdf.Page) -> set[tuple[int, int]]:
    """The figure forms a page draws itself (not through another form)."""
    names = {m.decode() for m in DO.findall(page.Contents.read_bytes())}
    xobjects = page.Resources.get("/XObject", {})
    return {xobjects[f"/{name}"].objgen for name in names}


def _at(built: Built, text: str) -> int:
    return next(i for i, page in enumerate(built.pages) if text in page)


def test_each_pose_is_painted_once_and_drawn_by_card_table_and_tracker(default: Built) -> None:
    with pikepdf.open(io.BytesIO(default.pdf)) as pdf:
        forms = _figure_forms(pdf)
        # A card's form draws one pose form and paints only its ghost, first panel and arrows.
        inner = {
            objgen: form.Resources.XObject
            for objgen, form in forms.items()
            if "/XObject" in form.get("/Resources", {})
        }
        poses = {pose.objgen for xobjects in inner.values() for pose in xobjects.values()}
        assert inner and all(len(xobjects) == 1 for xobjects in inner.values())
        assert set(forms) == set(inner) | poses  # nothing else: no thumbnail form of its own
        contents = [form.read_bytes() for form in forms.values()]
        assert len(set(contents)) == len(contents)  # no figure painted twice
        # The workout table and the tracking sheet draw the cards' pose forms themselves.
        table_pages = pdf.pages[_at(default, "Your programme") : _at(default, "Your exercises")]
        table = set().union(*map(_drawn, table_pages))
        tracker = _drawn(pdf.pages[_at(default, "Pain next morning")])
        assert len(table) >= len(default.handout.exercises)  # a row's level may change its pose
        assert tracker and table <= poses and tracker <= poses
        cards = set().union(*(_drawn(page) for page in pdf.pages)) - table - tracker
        assert cards <= set(inner)
        drawn_by_cards = {pose.objgen for objgen in cards for pose in inner[objgen].values()}
        assert table | tracker <= drawn_by_cards, "a thumbnail shows a pose no card shows"


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_the_end_pose_is_the_whole_figures_own_part(name, figure) -> None:
    whole = figure_picture(figure)
    thumbnail = figure_picture(figure, end_only=True)
    if figure.view != "side":
        assert whole.pose is None and thumbnail is whole  # a front or foot view is one piece
        return
    pose = whole.pose
    assert pose is not None and pose.picture is thumbnail
    part = whole.shapes[pose.first : pose.end]
    assert len(part) == len(thumbnail.shapes)
    for shape, own in zip(part, thumbnail.shapes, strict=True):
        assert (shape.layer, shape.role) == (own.layer, own.role)
        for command, other in zip(shape.path, own.path, strict=True):
            assert command[0] == other[0]
            assert [round(v, 9) for v in command[1::2]] == [
                round(v + pose.dx, 9) for v in other[1::2]
            ]
            assert command[2::2] == other[2::2]


def _widths_outside_q(operators: str) -> list[str]:
    """The line widths a form sets outside any q … Q of its own."""
    depth, found = 0, []
    for token_before, token in zip(["", *operators.split()], operators.split(), strict=False):
        if token == "q":
            depth += 1
        elif token == "Q":
            depth -= 1
        elif token == "w" and depth == 0:
            found.append(token_before)
    return found


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_a_thumbnails_form_leaves_the_outline_width_to_whoever_draws_it(name, figure) -> None:
    """A thumbnail is the card's form scaled down: the body's outline would shrink to a
    hairline, so the form takes the outline width it is drawn with."""
    from handouts.render.figures import form_operators

    style = colour_style((0.12, 0.37, 0.55), (0.88, 0.48, 0.18))
    thumbnail = figure_picture(figure, end_only=True)
    assert _widths_outside_q(form_operators(thumbnail, style)) == []
    whole = figure_picture(figure)
    if whole.pose is not None:  # the card's form sets the end pose's outline as painted
        card = form_operators(whole, style, "FormXob.FigPose")
        assert re.search(r"q [\d.]+ w [-\d. ]+ cm /FormXob\.FigPose Do Q", card)


@pytest.mark.parametrize("height", [11.0, 25.0, 113.0])
def test_a_small_figure_is_drawn_with_an_outline_that_prints(height: float) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from handouts.render.figures import FORM_HEIGHT, MIN_OUTLINE, draw_figure

    figure = dict(FIGURES)["bent-knee-calf-raise:figure"]
    style = colour_style((0.12, 0.37, 0.55), (0.88, 0.48, 0.18))
    canvas = Canvas(io.BytesIO())
    w, h = draw_figure(canvas, figure, 0, 0, height * 2, height, style, end_only=True)
    (width,) = [float(m) for m in re.findall(r"([\d.]+) w\b", "\n".join(canvas._code))]
    on_page = width * h / FORM_HEIGHT
    assert on_page >= MIN_OUTLINE - 1e-6
    box = figure_picture(figure, end_only=True).box
    painted = LINE_WIDTH * 2 * FORM_HEIGHT / (box[3] - box[1])
    if h * painted / FORM_HEIGHT >= MIN_OUTLINE:  # large enough: as painted
        assert width == pytest.approx(painted, rel=1e-3)
