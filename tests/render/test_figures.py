"""Exercise figures: every built-in pose solved soundly, drawn small, mono without colour."""

from __future__ import annotations

import math
import re
import zlib

import pytest

from handouts.content.loader import load_library
from handouts.render.figures import figure_picture, form_operators
from handouts.render.figures.body import SIDES, foot_contact, support_range
from handouts.render.figures.check import exercise_figures
from handouts.render.figures.paint import colour_style, mono_style, pdf_operators
from handouts.render.figures.scene import expand_contacts, solve_scene

FIGURES = [
    (f"{exercise.id}:{field}", figure)
    for exercise in load_library().exercises.values()
    for field, figure in exercise_figures(exercise).items()
]
SIDE_VIEWS = [(name, figure) for name, figure in FIGURES if figure.view == "side"]
SEGMENTS = [("hip", "shoulder"), ("shoulder", "head")] + [
    pair
    for side in SIDES
    for pair in (
        ("hip", f"{side}_knee"),
        (f"{side}_knee", f"{side}_ankle"),
        (f"{side}_ankle", f"{side}_heel"),
        (f"{side}_ankle", f"{side}_ball"),
        (f"{side}_ball", f"{side}_toe"),
        ("shoulder", f"{side}_elbow"),
        (f"{side}_elbow", f"{side}_wrist"),
        (f"{side}_wrist", f"{side}_hand"),
    )
]
COLOUR = colour_style((0.12, 0.37, 0.55), (0.88, 0.48, 0.18))
UNITS_PER_POINT = 100 / 120  # a standing figure is drawn about 120 pt tall on a card


def test_every_built_in_exercise_has_a_figure_at_every_level(library) -> None:
    for exercise in library.exercises.values():
        for level in exercise.levels:
            figure = exercise.figure_at(level.level)
            assert figure is not None, f"{exercise.id} level {level.level}"
            assert figure.alt.endswith(".") and ". " not in figure.alt.rstrip(".")


@pytest.mark.parametrize(("name", "figure"), SIDE_VIEWS, ids=[n for n, _ in SIDE_VIEWS])
def test_contacts_rest_on_their_surfaces_and_nothing_sinks(name, figure) -> None:
    scene = solve_scene(figure)
    assert scene.misses == []
    for skeleton, goal in zip(scene.skeletons, scene.goals, strict=True):
        for part, height in goal.surface_y.items():
            if part.endswith("-foot"):
                point = skeleton[foot_contact(goal, part.split("-")[0])]
                assert abs(point[1] - height) <= UNITS_PER_POINT, part
        floor_level = -UNITS_PER_POINT
        for point, (x, y) in skeleton.points.items():
            assert math.isfinite(x) and math.isfinite(y), point
            if point.endswith(("_ankle", "_heel", "_ball", "_toe", "_kneecap", "seat")):
                assert y >= floor_level, f"{point} below the floor"


@pytest.mark.parametrize(("name", "figure"), SIDE_VIEWS, ids=[n for n, _ in SIDE_VIEWS])
def test_standing_poses_keep_the_centre_of_mass_over_the_feet(name, figure) -> None:
    from handouts.render.figures.body import centre_of_mass

    scene = solve_scene(figure)
    for skeleton, goal in zip(scene.skeletons, scene.goals, strict=True):
        if goal.balance:
            low, high = support_range(skeleton, goal)
            assert low - 0.5 <= centre_of_mass(skeleton)[0] <= high + 0.5


@pytest.mark.parametrize(("name", "figure"), SIDE_VIEWS, ids=[n for n, _ in SIDE_VIEWS])
def test_segments_keep_their_length_from_start_to_end(name, figure) -> None:
    skeletons = solve_scene(figure).skeletons
    for a, b in SEGMENTS:
        lengths = {round(math.dist(sk[a], sk[b]), 6) for sk in skeletons}
        assert len(lengths) == 1, (a, b, lengths)


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_a_figure_is_small_finite_and_mirrors(name, figure) -> None:
    picture = figure_picture(figure)
    coords = [v for shape in picture.shapes for command in shape.path for v in command[1:]]
    assert coords and all(math.isfinite(v) for v in coords)
    operators = form_operators(picture, COLOUR)
    assert "nan" not in operators.lower()
    assert len(zlib.compress(operators.encode(), 6)) <= 4096
    mirrored = figure_picture(figure, mirror=True)
    x0, _, x1, _ = picture.box
    for shape, flipped in zip(picture.shapes, mirrored.shapes, strict=True):
        for command, other in zip(shape.path, flipped.path, strict=True):
            assert command[0] == other[0]
            assert [round(x0 + x1 - v, 9) for v in command[1::2]] == [
                round(v, 9) for v in other[1::2]
            ]
            assert command[2::2] == other[2::2]
    twice = mirrored.mirrored()
    assert [pytest.approx(v) for s in twice.shapes for c in s.path for v in c[1:]] == coords


def test_mono_uses_grey_levels_only() -> None:
    colour_ops = re.compile(r"\b(rg|RG|k|K|sc|SC|scn|SCN|cs|CS)\b")
    for _, figure in FIGURES:
        operators = pdf_operators(figure_picture(figure), mono_style(), 1.2)
        assert not colour_ops.search(operators)
        assert re.search(r"\bg\b", operators) and re.search(r"\bG\b", operators)
    assert re.search(r"\brg\b", pdf_operators(figure_picture(FIGURES[0][1]), COLOUR, 1.2))


def test_a_later_pose_keeps_weight_bearing_feet_in_place(library) -> None:
    figure = library.exercises["bent-knee-calf-raise"].figure
    start, end = solve_scene(figure).skeletons
    for side in SIDES:
        assert math.dist(start[f"{side}_ball"], end[f"{side}_ball"]) < 0.05
    assert end["near_heel"][1] > start["near_heel"][1] + 4  # the heel rises


def test_soleus_figures_show_the_knee_bend_that_matters(library) -> None:
    """Bent knee 30–60° standing, about 90° seated; the heel below the step in heel drops."""
    raise_ = solve_scene(library.exercises["bent-knee-calf-raise"].figure).skeletons
    assert all(30 <= sk.state["near_knee"] <= 60 for sk in raise_)
    seated = solve_scene(library.exercises["seated-soleus-raise"].figure).skeletons[0]
    assert 80 <= seated.state["near_knee"] <= 100
    drop = solve_scene(library.exercises["heel-drop-step"].figure)
    step_top = drop.goals[-1].surface_y["near-foot"]
    assert drop.skeletons[-1]["near_heel"][1] < step_top - 3
    stretch = solve_scene(library.exercises["wall-soleus-stretch"].figure).skeletons[-1]
    assert stretch.state["near_knee"] >= 20  # the back knee is bent
    assert abs(stretch["near_heel"][1]) < UNITS_PER_POINT  # ... with the heel down
    band = library.exercises["band-soleus-press"].figure
    assert expand_contacts(band, band.end) and any(p.around == "near-foot" for p in band.props)


def test_shipped_solutions_hold_every_built_in_figure_and_match_a_fresh_solve() -> None:
    from handouts.render.figures import solutions

    for name, figure in SIDE_VIEWS:
        known = solutions.lookup(figure)
        assert known, f"{name}: run python -m handouts.render.figures.solutions"
        fresh = solve_scene(figure, fresh=True).skeletons
        for state, skeleton in zip(known, fresh, strict=True):
            assert state == pytest.approx(skeleton.state, abs=1e-6), name
