"""The wording every stage shares: kinds, counts, "did you mean", unknown items."""

from __future__ import annotations

import pytest

from handouts import wording


def test_kinds_read_in_either_number() -> None:
    assert wording.kind_name("exercise") == wording.kind_name("exercises") == "exercises"
    assert wording.singular("programmes") == "programme"
    assert [wording.with_article(n) for n in ("exercise", "brand")] == ["an exercise", "a brand"]
    with pytest.raises(ValueError, match="unknown kind 'figure'"):
        wording.kind_name("figure")


def test_counts_say_one_or_many() -> None:
    assert wording.count(1, "row") == "1 row"
    assert wording.count(0, "row") == "0 rows"
    assert wording.count(2, "clinic folder") == "2 clinic folders"
    assert wording.count(3, "exercise", "exercises") == "3 exercises"


def test_did_you_mean_names_the_closest_or_nothing() -> None:
    known = ["calf-raise", "wall-soleus-stretch", "bent-knee-calf-raise"]
    assert wording.did_you_mean("calf-riase", known) == ' (did you mean "calf-raise"?)'
    assert wording.did_you_mean("hamstring", known) == ""
    assert wording.closest("emial", ["email", "patient"], cutoff=0.9) is None
    assert wording.closest("emial", ["email", "patient"]) == "email"


def test_an_unknown_item_says_its_kind_once_and_where_to_look() -> None:
    known = {"soleus-strength-runners": object()}
    assert wording.unknown_item("programme", "soleus-strength", known) == (
        'unknown programme "soleus-strength" (did you mean "soleus-strength-runners"?)'
    )
    assert wording.unknown_item("sections", "zzz", {}) == (
        'unknown section "zzz"; see: handouts list sections'
    )
