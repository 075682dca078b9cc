"""The web page builds through the API the CLI uses (handouts/api.py), drafts included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from webpage import form_of, make_client

from handouts import api
from handouts.errors import SelectionError
from handouts.web.engine import Engine
from handouts.web.plan import PageOptions, PatientFields


def test_a_draft_programme_builds_as_the_same_programme_saved_would(workspace: Path) -> None:
    """api.build takes a Programme model that is not in the library: the page's edited plan."""
    session = api.open_session(cwd=workspace)
    library = session.library(lenient=True)
    saved = library.programmes["achilles-eccentric"]
    draft = saved.model_copy(update={"title": "Ann's heel plan"})
    date = dt.date(2026, 3, 2)
    by_id = api.build(session, api.HandoutRequest("achilles-eccentric", date=date))
    by_model = api.build(session, api.HandoutRequest(saved, date=date))
    assert by_model.pdf == by_id.pdf
    edited = api.build(session, api.HandoutRequest(draft, date=date))
    assert edited.handout.title == "Ann's heel plan"
    assert "achilles-eccentric" in session.library(lenient=True).programmes  # left as it was
    assert library.programmes["achilles-eccentric"].title != "Ann's heel plan"


def test_a_draft_with_an_unknown_exercise_is_one_line(workspace: Path) -> None:
    session = api.open_session(cwd=workspace)
    saved = session.library(lenient=True).programmes["achilles-eccentric"]
    phase = saved.phases[0]
    item = phase.exercises[0].model_copy(update={"exercise": "no-such-move"})
    bad_phase = phase.model_copy(update={"exercises": [item]})
    draft = saved.model_copy(update={"phases": [bad_phase, *saved.phases[1:]]})
    with pytest.raises(SelectionError, match='unknown exercise "no-such-move"'):
        api.build(session, api.HandoutRequest(draft))


def test_the_web_engine_calls_the_api_not_the_builder(workspace: Path, monkeypatch) -> None:  # noqa: ANN001
    calls = []
    real = api.build

    def counted(session, request):  # noqa: ANN001, ANN202
        calls.append(request)
        return real(session, request)

    monkeypatch.setattr(api, "build", counted)
    engine = Engine(workspace)
    plan = engine.plan_for("achilles-eccentric")
    plan.blocks[0].rows[0].reps = "9 slow"
    built = engine.build(plan, PatientFields(name="Jo"), PageOptions(booklet=True))
    assert len(calls) == 1
    request = calls[0]
    assert request.options.booklet and request.patient.name == "Jo"
    assert request.programme.id == "achilles-eccentric"  # a draft: its dose changed
    assert request.programme is not engine.library.programmes["achilles-eccentric"]
    assert any("booklet" in note.lower() for note in built.warnings)  # the API's notes


def test_a_brand_preview_leaves_no_draft_behind(client) -> None:
    engine: Engine = client.app.state.engine
    page = client.get("/brand").text
    client.post("/brand/preview", data=form_of(page, {"name": "Warm-up"}))  # loads fonts
    builder = engine.builder()
    brands, themes = len(builder._brands), len(builder._themes)
    for colour in ("#224466", "#663322", "#226633"):
        form = form_of(page, {"name": "Hill Street Physio", "primary": colour})
        assert client.post("/brand/preview", data=form).status_code == 200
    assert (len(builder._brands), len(builder._themes)) == (brands, themes)


def test_saving_lays_out_the_programme_through_the_api(clinic: Path, monkeypatch) -> None:  # noqa: ANN001
    requests = []
    real = api.build
    monkeypatch.setattr(api, "build", lambda s, r: requests.append(r) or real(s, r))
    client = make_client(clinic)
    page = client.get("/build?start=achilles-eccentric").text
    fields = {"save_id": "heel-plan", "save_title": "Heel plan", "save_summary": "For heels."}
    response = client.post("/build/save", data=form_of(page, fields))
    assert response.status_code == 200, response.text
    assert (clinic / "clinic" / "programmes" / "heel-plan.yaml").is_file()
    assert [r.options.large_print for r in requests] == [True, False]
    assert all(r.programme.id == "heel-plan" for r in requests)
