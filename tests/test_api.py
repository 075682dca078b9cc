"""The API both front ends call: the README's example runs, a session stays warm."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts import api
from handouts.errors import HandoutsError

README = Path(__file__).resolve().parents[1] / "README.md"
DATE = dt.date(2026, 3, 2)


def readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Python API") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_example_builds_a_large_print_handout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code = readme_example()
    assert len(code.strip().splitlines()) <= 7  # "about five lines"
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - our own README
    reader = PdfReader(tmp_path / "handout.pdf")
    assert len(reader.pages) > 1
    assert "Soleus" in reader.pages[0].extract_text()


def test_a_session_builds_again_from_what_it_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOUTS_NO_BUILTIN", raising=False)
    session = api.open_session()
    request = api.HandoutRequest(sections=["recovery"], date=DATE)
    first = api.build(session, request)
    builder = session.builder(lenient=True)
    second = api.build(session, request)
    assert session.builder(lenient=True) is builder  # library, brands and fonts kept
    assert second.pdf == first.pdf
    assert first.handout.title and first.problems == []


def test_post_steps_come_from_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    session = api.open_session()
    options = api.HandoutOptions(password="s3cret", booklet=True)
    built = api.build(session, api.HandoutRequest(sections=["recovery"], options=options))
    assert PdfReader(__import__("io").BytesIO(built.pdf)).is_encrypted
    assert built.notes  # the booklet leaves the bookmarks out, and says so


def test_errors_name_the_input_not_a_flag() -> None:
    session = api.open_session()
    with pytest.raises(HandoutsError) as error:
        api.build(session, api.HandoutRequest(exercises=[("bent-knee-calf-raise", 99)]))
    assert error.value.message.startswith("exercise bent-knee-calf-raise: ")
    assert error.value.subject == "exercise"


def test_check_of_the_built_in_library_finds_nothing() -> None:
    assert api.check(api.open_session()).problems == []
