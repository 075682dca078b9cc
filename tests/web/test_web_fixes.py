"""Bugs met on the web page: each test failed before its fix."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_web_batch import check, statuses
from webpage import form_of, make_client

BAD_ROWS = (
    b"patient,level,start\n"
    b"Ann Lee,2,2026-01-05\n"
    b"Bob Roe,1,5 Jan 2026\n"
    b"Cara Diaz,x,\n"
    b"Dan Poe,1,2026-02-30\n"
)
FETCH = {"x-requested-with": "fetch"}


def field_value(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1))


def test_a_value_that_cannot_be_read_stays_in_its_box_with_the_reason(client) -> None:
    page = check(client, BAD_ROWS).text
    assert field_value(page, "r1.start") == "5 Jan 2026"  # was an empty box
    assert field_value(page, "r2.level") == "x"  # empty was level 1: a silent change
    assert field_value(page, "r3.start") == "2026-02-30"
    marks = statuses(page)
    assert marks[0] == "✓"
    assert "start: '5 Jan 2026' is not a date" in marks[1]
    assert "level: 'x' is not a level" in marks[2]
    assert "start: '2026-02-30' is not a date" in marks[3]
    again = client.post("/batch/check", data=form_of(page)).text  # "Check again", unchanged
    assert statuses(again) == marks
    assert field_value(again, "r1.start") == "5 Jan 2026"
    fixed = form_of(page, {"r1.start": "2026-01-05", "r2.level": "2", "r3.start": "2026-02-28"})
    assert statuses(client.post("/batch/check", data=fixed).text) == ["✓"] * 4


def test_the_build_button_counts_the_rows_as_they_are_edited(client) -> None:
    page = check(client, BAD_ROWS).text
    assert ">Build 1 handout</button>" in page
    assert '<script src="/static/batch.js" defer></script>' in page
    fixed = form_of(page, {"r1.start": "2026-01-05", "r2.level": "2"})
    state = client.post("/batch/check", data=fixed, headers=FETCH)
    assert state.status_code == 200 and state.headers["content-type"] == "application/json"
    answer = state.json()
    assert answer["ready"] == 3 and answer["total"] == 4
    assert answer["build"] == "Build 3 handouts"
    assert answer["summary"].startswith("3 of 4 rows ready.")
    assert [bool(row["reason"]) for row in answer["rows"]] == [False, False, False, True]
    assert "is not a date" in answer["rows"][3]["reason"]
    page_again = client.post("/batch/check", data=fixed).text  # and without the script
    assert ">Build 3 handouts</button>" in page_again


def test_a_live_check_of_no_rows_is_a_line_of_text(client) -> None:
    token = form_of(client.get("/batch").text)["csrf"]
    answer = client.post("/batch/check", data={"csrf": token}, headers=FETCH)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/plain")
    assert answer.text == "choose a roster file (.csv or .yaml) first"


def test_the_preview_brings_the_builds_warnings_to_the_page(clinic: Path) -> None:
    """The script read x-handout-notes; the build sent only a count, under another name."""
    (clinic / "handouts.yaml").write_text("content: clinic\nbrand: brand.yaml\n", encoding="utf-8")
    (clinic / "brand.yaml").write_text(
        "name: Sunny Clinic\nprimary: '#ffdd00'\naccent: '#ffee88'\n", encoding="utf-8"
    )
    client = make_client(clinic)
    page = client.get("/build").text
    response = client.post("/build/pdf", data=form_of(page, {"deliver": "preview"}), headers=FETCH)
    assert response.status_code == 200
    notes = unquote(response.headers["x-handout-notes"])
    assert "brand 'Sunny Clinic': white text on primary colour #FFDD00" in notes
    assert (
        "x-handout-notes"
        in (Path(__file__).parents[2] / "handouts/web/static/build.js").read_text()
    )


OWN_BLOCK = "so the weeks after it have a block of their own"
NAMED = [
    ({"b1.r1.sets": "4-5"}, "Weeks 3–4, Seated soleus raise, Sets: "
     'expected a whole number, found "4-5"'),
    ({"b0.r0.sets": "0"}, 'Weeks 1–2, Bent-knee calf raise, Sets: must be 1 or more, found "0"'),
    ({"b0.r0.reps": "x" * 201}, "Weeks 1–2, bent-knee-calf-raise, Reps: at most 200 characters"),
    ({"b0.r0.level": "21"}, "Weeks 1–2, bent-knee-calf-raise, Level: "
     "give a whole number from 1 to 20"),
    ({"b0.title": "x" * 121}, "Weeks 1–2, Heading: at most 120 characters"),
    ({"note": "x" * 601}, "A note for page one: at most 600 characters"),
    ({"b0.last": "5"}, f"Weeks 1–5: Ends after week: give a week from 1 to 4, {OWN_BLOCK}"),
    ({"b0.last": "4", "b1.last": "4"},
     f"Weeks 3–4: Ends after week: give a week from 5 to 5, {OWN_BLOCK}"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), NAMED)
def test_a_bad_box_is_named_as_the_page_labels_it(client, change: dict, message: str) -> None:
    """They were "b0.r0.reps: …", "an exercise's dose: Input should be …" and "week range 6-4
    must start at 1 or later and not run backwards"."""
    page = client.get("/build").text
    response = client.post("/build/pdf", data=form_of(page, change), headers=FETCH)
    assert response.status_code == 422
    assert response.text == message
