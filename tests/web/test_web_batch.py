"""The batch page: a roster's rows with ✓ or the reason, fixed in place, built and zipped."""

from __future__ import annotations

import html
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from webpage import CSRF, form_of, make_client

from handouts.web.browser import free_port

ROSTER = (
    b"patient,email,level,start\n"
    b"Ann Lee,ann@example.org,2,2026-01-05\n"
    b"Bob Roe,bob@example.org,1,5 Jan 2026\n"
    b"Cara Diaz,,1,\n"
)


def check(client, roster: bytes = ROSTER, name: str = "patients.csv", **fields: str):  # noqa: ANN201
    token = CSRF.search(client.get("/batch").text).group(1)
    data = {"csrf": token, "programme": "soleus-strength-runners", "layout": "single"} | fields
    return client.post("/batch/check", data=data, files={"roster": (name, roster, "text/csv")})


def statuses(page: str) -> list[str]:
    cells = re.findall(r'<td[^>]*><span class="(ok|bad)"[^>]*>(.*?)</span>', page)
    return ["✓" if kind == "ok" else html.unescape(text) for kind, text in cells]


def wait_done(client, url: str) -> str:
    for _ in range(200):
        page = client.get(url).text
        if "Building…" not in page:
            return page
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def test_each_row_shows_a_tick_or_the_reason(client) -> None:
    response = check(client)
    assert response.status_code == 200
    marks = statuses(response.text)
    assert marks[0] == "✓" and marks[2] == "✓"
    assert marks[1].startswith("✗ start:") and "is not a date" in marks[1]
    assert "2 of 3 rows ready" in response.text


def test_a_row_fixed_in_place_is_checked_again_then_built(client, workspace: Path) -> None:
    page = check(client).text
    fixed = client.post("/batch/check", data=form_of(page, {"r1.start": "2026-01-05"}))
    assert statuses(fixed.text) == ["✓", "✓", "✓"]
    run = client.post("/batch/run", data=form_of(fixed.text, {"layout": "duplex"}))
    assert run.status_code == 303
    done = wait_done(client, run.headers["location"])
    assert "Done: 3 handouts" in done
    archive = client.get(run.headers["location"] + "/handouts.zip")
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == ["ann-lee.pdf", "bob-roe.pdf", "cara-diaz.pdf", "print-all.pdf"]
    printed = client.get(run.headers["location"] + "/print.pdf")
    assert printed.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(printed.content)).pages
    assert len(pages) % 2 == 0  # duplex: each patient starts on a front side
    assert (workspace / "output" / "patients" / "bob-roe.pdf").is_file()


def test_a_bad_roster_file_gets_one_clear_message(client) -> None:
    response = check(client, b"name;;\n\xff\xfe", "bad.csv")
    assert response.status_code == 422
    assert "not UTF-8" in response.text and "Traceback" not in response.text
    other = check(client, b"x", "roster.txt")
    assert other.status_code == 422
    assert "a roster must be a .csv or .yaml file" in other.text


def test_an_unknown_programme_fails_its_row_only(client) -> None:
    roster = b"patient,programme\nAnn,soleus-strength-runners\nBob,no-such-plan\n"
    marks = statuses(check(client, roster).text)
    assert marks[0] == "✓"
    assert marks[1] == '✗ programme: unknown programme "no-such-plan"'


def test_e_mail_is_refused_with_the_demo_brand(client) -> None:
    page = check(client, email="1").text
    response = client.post("/batch/run", data=form_of(page, {"email": "1", "r1.start": ""}))
    assert response.status_code == 422
    assert "e-mail: not sent: the handout carries the demo brand" in response.text


class Inbox:
    """An aiosmtpd handler that keeps every message's recipients."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.recipients += envelope.rcpt_tos
        return "250 Message accepted"


def test_e_mail_goes_to_each_patient_once_even_when_run_again(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.controller import Controller

    (clinic / "clinic" / "brands").mkdir()
    (clinic / "clinic" / "brands" / "clinic.yaml").write_text("name: Test Clinic\n")
    (clinic / "handouts.yaml").write_text("content: clinic\nbrand: clinic\n", encoding="utf-8")
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        monkeypatch.setenv("HANDOUTS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("HANDOUTS_SMTP_PORT", str(port))
        monkeypatch.setenv("HANDOUTS_SMTP_SECURITY", "none")
        monkeypatch.setenv("HANDOUTS_SMTP_FROM", "clinic@example.org")
        client = make_client(clinic)
        page = check(client, email="1").text
        form = form_of(page, {"email": "1", "r1.start": ""})
        first = wait_done(client, client.post("/batch/run", data=form).headers["location"])
        assert "E-mail: 2 sent" in first
        again = wait_done(client, client.post("/batch/run", data=form).headers["location"])
        assert "2 already sent before (not sent again)" in again
    finally:
        controller.stop()
    assert sorted(inbox.recipients) == ["ann@example.org", "bob@example.org"]


def test_another_session_cannot_see_a_batch(client, workspace: Path) -> None:
    page = check(client).text
    run = client.post("/batch/run", data=form_of(page, {"r1.start": ""}))
    wait_done(client, run.headers["location"])
    stranger = make_client(workspace)
    stranger.app = client.app
    assert stranger.get(run.headers["location"]).status_code == 404
    assert stranger.get(run.headers["location"] + "/handouts.zip").status_code == 404


def test_day_first_dates_need_the_date_format_then_read(client) -> None:
    roster = b"patient,start\nAnn,05/01/2026\n"
    refused = check(client, roster)
    assert refused.status_code == 422
    assert "is that day/month or month/day?" in html.unescape(refused.text)
    page = check(client, roster, dates="DD/MM/YYYY").text
    assert statuses(page) == ["✓"]
    assert 'value="2026-01-05"' in page
