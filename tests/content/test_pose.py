"""The pose format: a figure in an exercise file, and the problems check reports in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from handouts.content.figure import Figure
from handouts.content.loader import load_library
from handouts.errors import ContentError

HEAD = """\
id: {id}
name: Calf raise
summary: Rise and lower.
targets: [Calf]
position: Standing
steps: [Rise., Lower.]
safety: Stop if it hurts.
"""
LEVELS = """\
levels:
  - level: 1
    label: Two legs
    sets: 3
    reps: 15
"""

BAD_NAMES = """\
figure:
  alt: A person rises onto the toes.
  start: {base: standng, knee: 40}
  end:
    knee: 400
    heel: 30
  props: [wall, trampoline]
  contacts: {hands: wall}
"""
BAD_CONTACT = """\
figure:
  alt: A person kneels.
  pose: {knee: 40}
  props: [step]
  contacts: {knees: wall}
"""
MISSING_PROP = """\
figure:
  alt: A person rises onto the toes.
  pose: {knee: 40}
  props: [wall]
  contacts: {hands: wall, far-foot: step}
"""
MISSING_LEVEL = """\
figure:
  alt: A person rises onto the toes.
  pose: {knee: 40}
figure_levels:
  3:
    alt: One leg.
    pose: {knee: 40}
"""
NO_POSE = """\
figure:
  alt: A person rises onto the toes.
  start: {knee: 40}
"""


def _problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    folder = tmp_path / "exercises"
    folder.mkdir()
    for name, figure in files.items():
        body = HEAD.format(id=name) + figure + LEVELS
        if "figure_levels" in figure:  # keep figure_levels after the levels, as authors would
            figure, _, levels = figure.partition("figure_levels:")
            body = HEAD.format(id=name) + figure + LEVELS + "figure_levels:" + levels
        (folder / f"{name}.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_library([tmp_path], include_builtin=False)
    return [str(problem).replace(str(tmp_path) + "/", "") for problem in error.value.problems]


def test_pose_problems_name_their_line_and_field(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    problems = _problems(
        tmp_path,
        {
            "a-names": BAD_NAMES,
            "b-contact": BAD_CONTACT,
            "c-prop": MISSING_PROP,
            "d-level": MISSING_LEVEL,
            "e-pose": NO_POSE,
        },
    )
    assert problems == [
        'exercises/a-names.yaml:10: figure.start.base: must be "standing", "split-stance", '
        '"on-step", "single-leg", "seated", "long-sitting", "kneeling" or "lying", found "standng"',
        "exercises/a-names.yaml:12: figure.end.knee: must be 150.0 or less, found the number 400",
        'exercises/a-names.yaml:14: figure.props[1].kind: must be "wall", "step", "chair", '
        '"bench", "band", "dumbbell", "kettlebell", "mat", "towel", "foam-roller", '
        '"pool-noodle" or "ball", found "trampoline"',
        "exercises/b-contact.yaml:12: figure.contacts: knees cannot rest on a wall; "
        "it can rest on floor, mat",
        "exercises/c-prop.yaml:12: figure.contacts: far-foot rests on a step, but props has "
        "no step; add it",
        "exercises/d-level.yaml:17: figure_levels[3]: level 3 does not exist; this exercise "
        "has only level 1",
        "exercises/e-pose.yaml:8: figure: give either pose (one picture) or both start and end",
    ]


def test_a_level_figure_holds_from_its_level_on(library) -> None:
    exercise = library.exercises["bent-knee-calf-raise"]
    assert exercise.figure_at(1) is exercise.figure
    assert exercise.figure_at(2) is exercise.figure_levels[2]
    assert exercise.figure_at(4) is exercise.figure_levels[3]


def test_a_pose_side_takes_its_own_angle_over_both_sides() -> None:
    figure = Figure.model_validate(
        {"alt": "A hold.", "pose": {"knee": 30, "near": {"knee": 10}, "far": {"hip": 20}}}
    )
    assert figure.pose.side("near") == {"knee": 10}
    assert figure.pose.side("far") == {"hip": 20, "knee": 30}


def test_props_are_written_as_names_or_mappings() -> None:
    figure = Figure.model_validate(
        {"alt": "A hold.", "pose": {}, "props": ["wall", {"kind": "dumbbell", "held": "near-hand"}]}
    )
    assert [(p.kind, p.held) for p in figure.props] == [("wall", None), ("dumbbell", "near-hand")]
    with pytest.raises(ValueError, match="held only applies"):
        Figure.model_validate(
            {"alt": "A hold.", "pose": {}, "props": [{"kind": "wall", "held": "hands"}]}
        )


def test_check_reports_a_pose_that_cannot_meet_its_contacts(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from handouts.cli import main

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "exercises"
    folder.mkdir()
    figure = """\
figure:
  alt: Seated with straight knees and the feet on the floor.
  pose: {base: seated, knee: 0, hip: 90, trunk: 0}
  props: [chair]
"""
    (folder / "sit.yaml").write_text(HEAD.format(id="sit") + figure + LEVELS, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(tmp_path)])
    assert result.exit_code == 1
    assert "exercises/sit.yaml:8: figure: seat does not reach its surface; change the angles" in (
        result.output
    )
