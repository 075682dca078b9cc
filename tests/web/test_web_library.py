"""The library page: every item listed with its levels; content problems as `check` lists them."""

from __future__ import annotations

import html
import re
from pathlib import Path

from webpage import CSRF, make_client


def test_the_library_lists_every_exercise_with_its_levels(client) -> None:
    page = client.get("/library").text
    assert page.count('<li class="card" id="exercise-') == 14
    card = page[page.index('id="exercise-bent-knee-calf-raise"') :]
    card = card[: card.index("</li>")]
    assert len(re.findall(r'<th scope="row">\d+</th>', card)) == 4
    assert "Built in" in card
    assert 'href="/build?start=achilles-eccentric"' in page


def test_check_lists_each_content_problem_as_the_cli_does(clinic: Path) -> None:
    broken = clinic / "clinic" / "exercises" / "wobbly.yaml"
    broken.parent.mkdir()
    broken.write_text("id: wobbly\nname: Wobbly\nsets: 3\n", encoding="utf-8")
    client = make_client(clinic)
    page = client.get("/library").text
    assert "6 content problems found: the items they are in are left out" in page
    token = CSRF.search(page).group(1)
    checked = html.unescape(client.post("/library/check", data={"csrf": token}).text)
    assert "clinic/exercises/wobbly.yaml:3: sets:" in checked
    assert "problem" in checked and "Traceback" not in checked


def test_check_says_so_when_all_is_well(client) -> None:
    token = CSRF.search(client.get("/library").text).group(1)
    assert "All content is in order" in client.post("/library/check", data={"csrf": token}).text


def test_make_my_own_copy_puts_the_file_in_the_clinic_folder_once(clinic: Path) -> None:
    client = make_client(clinic)
    page = client.get("/library").text
    assert 'aria-label="Make my own copy of Toe walks"' in page
    token = CSRF.search(page).group(1)
    copied = client.post("/library/copy", data={"csrf": token, "item": "exercises:toe-walks"})
    assert copied.status_code == 200
    assert "Copied to exercises/toe-walks.yaml" in copied.text
    target = clinic / "clinic" / "exercises" / "toe-walks.yaml"
    assert target.is_file()
    card = copied.text[copied.text.index('id="exercise-toe-walks"') :]
    assert "Your clinic&#39;s" in card[: card.index("</li>")]
    before = target.read_bytes()
    again = client.post("/library/copy", data={"csrf": token, "item": "exercises:toe-walks"})
    assert again.status_code == 422 and "not overwriting" in again.text
    assert target.read_bytes() == before


def test_copying_without_a_content_folder_says_what_to_do(client) -> None:
    token = CSRF.search(client.get("/library").text).group(1)
    response = client.post("/library/copy", data={"csrf": token, "item": "sections:faq"})
    assert response.status_code == 422 and "handouts init clinic" in response.text
    odd = client.post("/library/copy", data={"csrf": token, "item": "../../x:y"})
    assert odd.status_code == 422 and "Traceback" not in odd.text
