"""The first hour: words that fit the user (a club's coach and athletes; a first-name greeting)."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from first_hour import clean_folder, run
from pypdf import PdfReader

FAST = "inner-calf-circuit"
CLUB = "name: Hillside Running Club\nroles: {clinician: coach, patient: athlete}\n"


@pytest.fixture(autouse=True)
def _club(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_folder(monkeypatch, tmp_path)
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "club.yaml").write_text(CLUB, encoding="utf-8")
    (tmp_path / "handouts.yaml").write_text("content: .\nbrand: club\n", encoding="utf-8")


def test_a_brand_renames_the_roles_it_prints() -> None:
    result = run(
        "build", FAST, "--patient", "Ann Lee", "--clinician", "Jo Park", "--note", "Go easy.",
        "--sessions", "2", "--date", "2026-03-02", "-o", "h.pdf",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader("h.pdf").pages)
    assert "Coach Jo Park" in " ".join(text.split())  # a wrapped line ends in a space
    assert "A note from your coach" in text
    assert "Your coach has set 2 sessions a week for you" in " ".join(text.split())
    assert "ask your coach." in " ".join(text.split())
    first = PdfReader("h.pdf").pages[0].extract_text()
    first = first[: first.index("Your pain rule")]  # the programme's rule keeps its own words
    assert "Clinician" not in first and "clinician" not in first  # sections keep their own words


def test_the_default_pain_rule_says_the_brands_word_for_the_clinician() -> None:
    result = run("build", FAST, "--date", "2026-03-02", "-o", "h.pdf")
    assert result.exit_code == 0, result.output
    pages = [" ".join(page.extract_text().split()) for page in PdfReader("h.pdf").pages]
    assert "go back a level and tell your coach." in pages[0]  # page one's pain rule
    assert "go back a level and tell your coach." in pages[-1]  # the tracking sheet's
    assert not any("tell your clinician" in page for page in pages)


def test_email_greets_by_first_name_and_uses_the_brands_roles(tmp_path: Path) -> None:
    roster = tmp_path / "athletes.csv"
    roster.write_text(f"Athlete,Email,programme,password\nAnn Lee,ann@example.org,{FAST},pw\n")
    result = run("batch", roster, "--out-dir", "out", "--email", "--dry-run", "-j", "1")
    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "out" / "outbox").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Hi Ann,\n")
    assert "The PDF is password-protected; use the password your coach gave you." in body


def test_a_role_is_a_word_or_two(tmp_path: Path) -> None:
    (tmp_path / "brands" / "club.yaml").write_text(
        "name: Hillside Running Club\nroles: {clinician: '<b>coach</b>'}\n", encoding="utf-8"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("brands/club.yaml:2: roles.clinician: ")
