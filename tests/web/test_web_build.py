"""The build page: the same PDF as the CLI, edits by button, saving a clinic programme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from webpage import form_of, make_client

from handouts.cli.app import main

DATE = "2026-03-02"


def cli_build(path: Path, *args: str) -> bytes:
    result = CliRunner().invoke(main, ["build", *args, "--date", DATE, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def web_pdf(client, page: str, changes: dict[str, str]) -> bytes:
    response = client.post("/build/pdf", data=form_of(page, {"deliver": "download", **changes}))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def press(client, page: str, action: str, changes: dict[str, str] | None = None) -> str:
    response = client.post("/build", data=form_of(page, {"action": action, **(changes or {})}))
    assert response.status_code == 200, response.text
    return response.text


def rows(page: str, block: int = 0) -> list[str]:
    return re.findall(rf'name="b{block}\.r\d+\.exercise" value="([^"]+)"', page)


def test_the_default_programme_is_byte_identical_to_the_cli_build(client, workspace) -> None:
    page = client.get("/build").text
    patient = {"patient": "Ann Lee", "clinician": "Sam Physio", "start_date": "2026-03-09"}
    web = web_pdf(client, page, {**patient, "date": DATE, "large_print": "1"})
    cli = cli_build(
        workspace / "cli.pdf",
        "soleus-strength-runners",
        "--patient", "Ann Lee",
        "--clinician", "Sam Physio",
        "--start", "2026-03-09",
        "--large-print",
    )  # fmt: skip
    assert web == cli
    assert "Ann Lee" in PdfReader(workspace / "cli.pdf").pages[0].extract_text()


def test_a_blank_plan_is_byte_identical_to_build_with_exercises(client, workspace) -> None:
    page = press(client, client.get("/build").text, "start", {"start": "blank"})
    page = press(client, page, "add:seated-soleus-raise")
    page = press(client, page, "add:wall-soleus-stretch")
    page = press(client, page, "add-section", {"new_section": "warning-signs"})
    web = web_pdf(client, page, {"patient": "Jo", "date": DATE, "b0.r0.level": "2"})
    cli = cli_build(
        workspace / "cli.pdf",
        "--exercise", "seated-soleus-raise:2",
        "--exercise", "wall-soleus-stretch",
        "--section", "warning-signs",
        "--patient", "Jo",
    )  # fmt: skip
    assert web == cli


def test_length_and_sessions_are_the_clis_weeks_and_sessions(client, workspace) -> None:
    page = client.get("/build?start=achilles-eccentric").text
    web = web_pdf(client, page, {"weeks": "14", "sessions": "2", "date": DATE})
    cli = cli_build(workspace / "cli.pdf", "achilles-eccentric", "--weeks", "14", "--sessions", "2")
    assert web == cli


def test_buttons_add_move_and_remove_exercises(client) -> None:
    page = client.get("/build").text
    first = rows(page)
    assert len(first) >= 3
    page = press(client, page, "down:0:0")
    assert rows(page)[:2] == [first[1], first[0]]
    page = press(client, page, "up:0:1")
    assert rows(page) == first
    page = press(client, page, "remove:0:0")
    assert rows(page) == first[1:]
    page = press(client, page, "add:toe-walks")
    assert rows(page)[-1] == "toe-walks"
    assert all(
        rows(page, b)[-1] == "toe-walks" for b in range(page.count('<fieldset class="block">'))
    )
    assert "In the plan" in page


def test_split_and_join_blocks_of_weeks(client) -> None:
    page = press(client, client.get("/build").text, "start", {"start": "blank"})
    page = press(client, page, "add:toe-walks")
    page = press(client, page, "split:0")
    assert "Weeks 1–3" in page and "Weeks 4–6" in page
    page = press(client, page, "join:0")
    assert "Weeks 1–6" in page and "Weeks 4–6" not in page


def test_a_dose_override_for_one_block_is_printed(client, workspace) -> None:
    page = press(client, client.get("/build").text, "start", {"start": "blank"})
    page = press(client, page, "add:seated-soleus-raise")
    page = press(client, page, "split:0")
    pdf = web_pdf(client, page, {"b1.r0.reps": "27 slow", "date": DATE})
    (workspace / "web.pdf").write_bytes(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(workspace / "web.pdf").pages)
    assert "27 slow" in text


def test_bad_input_gets_a_message_on_the_page(client) -> None:
    page = client.get("/build").text
    response = client.post("/build/pdf", data=form_of(page, {"weeks": "many"}))
    assert response.status_code == 422
    assert "Length in weeks: give a whole number from 1 to 52" in response.text
    assert "Traceback" not in response.text
    fetched = client.post(
        "/build/pdf",
        data=form_of(page, {"b0.r0.level": "9"}),
        headers={"x-requested-with": "fetch"},
    )
    assert fetched.status_code == 422
    assert "levels 1–" in fetched.text and "not 9" in fetched.text
    empty = press(client, page, "remove:0:0", {"b0.r0.exercise": "no-such-exercise"})
    assert "Please check" not in empty or "no-such" not in empty


def test_patient_text_is_escaped_on_the_page(client) -> None:
    page = client.get("/build").text
    name = '<script>alert("x")</script>'
    shown = press(client, page, "filter", {"patient": name})
    assert name not in shown
    assert "&lt;script&gt;" in shown


def test_saving_a_programme_checks_it_and_asks_before_replacing(clinic: Path) -> None:
    client = make_client(clinic)
    page = client.get("/build").text
    page = press(client, page, "remove:0:0")
    save = {"save_id": "my-plan", "save_title": "My plan", "save_summary": "Calf strength."}
    save |= {"patient": "Ann Lee", "note": "Ring me"}
    response = client.post("/build/save", data=form_of(page, save))
    assert response.status_code == 200, response.text
    saved = clinic / "clinic" / "programmes" / "my-plan.yaml"
    assert saved.is_file()
    assert "Ann" not in saved.read_text(encoding="utf-8")  # never the patient's details
    assert "Ring me" not in saved.read_text(encoding="utf-8")
    again = client.post("/build/save", data=form_of(response.text, save))
    assert again.status_code == 409
    assert 'Yes, replace the programme "my-plan"' in again.text
    replaced = client.post("/build/save", data=form_of(again.text, save | {"replace": "yes"}))
    assert replaced.status_code == 200
    # The saved programme builds from the CLI exactly as the page builds it.
    web = web_pdf(client, replaced.text, {"date": DATE})
    cli = cli_build(clinic / "cli.pdf", "my-plan", "--patient", "Ann Lee", "--note", "Ring me")
    assert web == cli


def test_saving_refuses_an_id_that_is_not_a_file_name(clinic: Path) -> None:
    client = make_client(clinic)
    page = client.get("/build").text
    for bad in ("../x", "a/b", "X y"):
        save = {"save_id": bad, "save_title": "T", "save_summary": "S"}
        response = client.post("/build/save", data=form_of(page, save))
        assert response.status_code == 422
        assert "lower-case letters" in response.text
    assert list((clinic / "clinic" / "programmes").iterdir()) == []


def test_saving_without_a_content_folder_says_how_to_make_one(client) -> None:
    page = client.get("/build").text
    save = {"save_id": "x", "save_title": "T", "save_summary": "S"}
    response = client.post("/build/save", data=form_of(page, save))
    assert response.status_code == 422
    assert "handouts init" in response.text


@pytest.mark.parametrize("exercise", ["no-such-exercise", "..%2F..%2Fetc"])
def test_a_figure_that_does_not_exist_is_a_404(client, exercise: str) -> None:
    assert client.get(f"/figure/{exercise}").status_code == 404


class Inbox:
    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.recipients += envelope.rcpt_tos
        return "250 Message accepted"


def test_e_mail_sends_once_then_asks_before_sending_again(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.controller import Controller

    from handouts.web.browser import free_port

    (clinic / "clinic" / "brands").mkdir()
    (clinic / "clinic" / "brands" / "clinic.yaml").write_text("name: Test Clinic\n")
    (clinic / "handouts.yaml").write_text("content: clinic\nbrand: clinic\n", encoding="utf-8")
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "SECURITY": "none"}.items():
            monkeypatch.setenv(f"HANDOUTS_SMTP_{key}", value)
        monkeypatch.setenv("HANDOUTS_SMTP_FROM", "clinic@example.org")
        client = make_client(clinic)
        page = client.get("/build").text
        patient = {"patient": "Ann Lee", "email": "ann@example.org", "date": DATE}
        first = client.post("/build/email", data=form_of(page, patient))
        assert first.status_code == 200 and "E-mailed the handout to ann@example.org" in first.text
        again = client.post("/build/email", data=form_of(first.text, patient))
        assert again.status_code == 409 and "Yes, send it to ann@example.org again" in again.text
        assert inbox.recipients == ["ann@example.org"]
        confirmed = client.post(
            "/build/email", data=form_of(again.text, patient | {"send_again": "yes"})
        )
        assert confirmed.status_code == 200
    finally:
        controller.stop()
    assert inbox.recipients == ["ann@example.org", "ann@example.org"]


def test_e_mail_is_refused_with_the_demo_brand_or_a_bad_address(client) -> None:
    page = client.get("/build").text
    response = client.post("/build/email", data=form_of(page, {"email": "ann@example.org"}))
    assert response.status_code == 422
    assert "not sent: the handout carries the demo brand" in response.text
    bad = client.post("/build/email", data=form_of(page, {"email": "ann@"}))
    assert bad.status_code == 422 and "Traceback" not in bad.text
