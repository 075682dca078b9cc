"""Compose: a selection (programme or ad-hoc exercises and sections) → one Handout."""

from __future__ import annotations

import datetime as dt

import pytest

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Handout, Selection, SelectionError, parse_exercise_ref
from handouts.content.library import Library

DATE = dt.date(2026, 3, 1)


def compose(builder: Builder, **selection) -> Handout:
    return builder.compose(Request(Selection(**selection), date=DATE))


def levels(handout: Handout, exercise_id: str) -> list[int]:
    """The level of ``exercise_id`` in each phase that uses it."""
    rows = [row for phase in handout.phases for row in phase.rows]
    return [row.dose.level for row in rows if row.exercise.id == exercise_id]


# -- exercise references and ad-hoc selections --
def test_exercise_ref_with_and_without_level() -> None:
    assert parse_exercise_ref("bent-knee-calf-raise:2") == ("bent-knee-calf-raise", 2)
    assert parse_exercise_ref("bent-knee-calf-raise") == ("bent-knee-calf-raise", None)


@pytest.mark.parametrize(
    ("ref", "problem"),
    [
        ("bent-knee-calf-raise:two", "must be a number from 1"),
        ("bent-knee-calf-raise:0", "must be a number from 1"),
        ("bent-knee-calf-raise:", "is missing"),
    ],
)
def test_exercise_ref_with_a_bad_level_is_a_selection_error(ref: str, problem: str) -> None:
    with pytest.raises(SelectionError, match=problem):
        parse_exercise_ref(ref)


def test_an_exercise_given_twice_or_already_in_the_programme_is_an_error(
    builder: Builder,
) -> None:
    twice = [("bent-knee-calf-raise", 1), ("bent-knee-calf-raise", 3)]
    with pytest.raises(SelectionError, match="bent-knee-calf-raise is given twice"):
        compose(builder, exercises=twice)
    with pytest.raises(SelectionError, match=f"programme {DEFAULT_PROGRAMME} has it already"):
        compose(builder, programme=DEFAULT_PROGRAMME, exercises=[("wall-soleus-stretch", None)])


def test_a_section_given_twice_prints_once(builder: Builder) -> None:
    handout = compose(builder, sections=["faq", "recovery", "faq"])
    assert [s.id for s in handout.sections] == ["faq", "recovery"]


def test_adhoc_exercise_at_level_two(builder: Builder) -> None:
    handout = compose(builder, exercises=[parse_exercise_ref("bent-knee-calf-raise:2")])
    [phase] = handout.phases
    [row] = phase.rows
    assert row.exercise.id == "bent-knee-calf-raise"
    assert row.dose.level == 2
    assert row.dose.reps == "12–15 per leg" and row.dose.per_side
    # Ad-hoc defaults: 6 weeks, 3 sessions, one phase covering all of them.
    assert (handout.weeks, handout.sessions_per_week) == (6, 3)
    assert phase.label == "Weeks 1–6"


def test_adhoc_exercise_without_level_uses_the_level_option(builder: Builder) -> None:
    handout = compose(builder, exercises=[("bent-knee-calf-raise", None)], level=3)
    assert levels(handout, "bent-knee-calf-raise") == [3]


def test_unknown_exercise_suggests_the_closest_id(builder: Builder) -> None:
    with pytest.raises(SelectionError) as error:
        compose(builder, exercises=[("bent-knee-calf-rase", None)])
    message = error.value.format_message()
    assert message == (
        'unknown exercise "bent-knee-calf-rase" (did you mean "bent-knee-calf-raise"?)'
    )


def test_unknown_exercise_with_nothing_close_points_to_the_list(builder: Builder) -> None:
    with pytest.raises(SelectionError, match="see: handouts list exercises"):
        compose(builder, exercises=[("zzzz", None)])


def test_unknown_programme_and_section_suggest_names(builder: Builder) -> None:
    with pytest.raises(SelectionError, match='did you mean "soleus-strength-runners"'):
        compose(builder, programme="soleus-strength-runner")
    with pytest.raises(SelectionError, match=r'section "recovry" \(did you mean "recovery"'):
        compose(builder, sections=["recovry"])


def test_nonexistent_level_names_the_levels_there_are(builder: Builder, library: Library) -> None:
    count = len(library.exercises["bent-knee-calf-raise"].levels)
    with pytest.raises(SelectionError) as error:
        compose(builder, exercises=[("bent-knee-calf-raise", 9)])
    message = error.value.format_message()
    assert f"has levels 1–{count}, not 9" in message
    assert "bent-knee-calf-raise" in message
    assert "\n" not in message


def test_nothing_selected_is_an_error(builder: Builder) -> None:
    with pytest.raises(SelectionError, match="nothing to build"):
        compose(builder)


# -- programmes --
def test_default_programme_phases_and_sample_dosages(builder: Builder) -> None:
    handout = compose(builder, programme=DEFAULT_PROGRAMME)
    assert [p.label for p in handout.phases] == ["Weeks 1–2", "Weeks 3–4", "Weeks 5–6"]
    first = {row.exercise.id: row.dose for row in handout.phases[0].rows}
    sample = {  # source B's sample table, reproduced exactly in weeks 1–2
        "bent-knee-calf-raise": (3, "15", "2 s up / 2 s down", "45 s"),
        "seated-soleus-raise": (3, "10–12", "3 s up / 3 s down", "60 s"),
        "single-leg-eccentric-lower": (2, "8 per leg", "1 s up / 4 s down", "60 s"),
        "band-soleus-press": (2, "15", "Controlled", "30 s"),
        "wall-soleus-stretch": (3, "30 s hold", "Static", "None"),
    }
    assert {key: (d.sets, d.reps, d.tempo, d.rest) for key, d in first.items()} == sample


def test_level_option_shifts_every_exercise_and_caps_at_top(
    builder: Builder, library: Library
) -> None:
    base = compose(builder, programme=DEFAULT_PROGRAMME)
    shifted = compose(builder, programme=DEFAULT_PROGRAMME, level=3)
    for exercise in base.exercises:
        top = len(library.exercises[exercise.id].levels)
        expected = [min(level + 2, top) for level in levels(base, exercise.id)]
        assert levels(shifted, exercise.id) == expected, exercise.id
    assert levels(shifted, "bent-knee-calf-raise") == [3, 4, 4]  # 1+2, 2+2, 3+2 capped at 4
    assert levels(shifted, "wall-soleus-stretch") == [1, 1, 1]  # it has one level


def test_level_option_beyond_every_level_stays_at_the_top(
    builder: Builder, library: Library
) -> None:
    handout = compose(builder, programme=DEFAULT_PROGRAMME, level=20)
    for exercise in handout.exercises:
        top = len(library.exercises[exercise.id].levels)
        assert set(levels(handout, exercise.id)) == {top}


def test_weeks_shorter_than_the_programme_drops_and_trims_phases(builder: Builder) -> None:
    handout = compose(builder, programme=DEFAULT_PROGRAMME, weeks=3)
    assert handout.weeks == 3
    assert [p.label for p in handout.phases] == ["Weeks 1–2", "Week 3"]
    assert handout.phases[-1].weeks == (3, 3)
    assert handout.phase_for(3) is handout.phases[-1]


def test_weeks_longer_than_the_programme_keeps_the_last_phase_going(builder: Builder) -> None:
    handout = compose(builder, programme=DEFAULT_PROGRAMME, weeks=10)
    assert handout.weeks == 10
    assert [p.label for p in handout.phases] == ["Weeks 1–2", "Weeks 3–4", "Weeks 5–10"]
    assert handout.phase_for(10) is handout.phases[-1]
    assert levels(handout, "bent-knee-calf-raise") == [1, 2, 3]


def test_sessions_option_overrides_the_programme_range(builder: Builder) -> None:
    base = compose(builder, programme=DEFAULT_PROGRAMME)
    assert (base.sessions_per_week, base.sessions_label) == (3, "2–3")
    handout = compose(builder, programme=DEFAULT_PROGRAMME, sessions=4)
    assert (handout.sessions_per_week, handout.sessions_label) == (4, "4")


def test_adhoc_exercises_join_every_programme_phase(builder: Builder) -> None:
    handout = compose(builder, programme=DEFAULT_PROGRAMME, exercises=[("toe-walks", 2)])
    assert levels(handout, "toe-walks") == [2, 2, 2]
    assert all(phase.rows[-1].exercise.id == "toe-walks" for phase in handout.phases)


def test_sections_follow_the_programme_and_extras_come_once(
    builder: Builder, library: Library
) -> None:
    programme = library.programmes[DEFAULT_PROGRAMME]
    handout = compose(builder, programme=DEFAULT_PROGRAMME, sections=["recovery", "for-cyclists"])
    assert [s.id for s in handout.sections] == [*programme.sections, "for-cyclists"]


def test_sources_are_the_cited_ones_programme_first(builder: Builder, library: Library) -> None:
    handout = compose(builder, programme=DEFAULT_PROGRAMME)
    ids = [source.id for source in handout.sources]
    assert (
        ids[: len(library.programmes[DEFAULT_PROGRAMME].sources)]
        == library.programmes[DEFAULT_PROGRAMME].sources
    )
    assert len(ids) == len(set(ids))
