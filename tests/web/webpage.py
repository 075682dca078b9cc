"""Helpers for the web page's tests: an app over a workspace, a client, the form as sent."""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("starlette")

with warnings.catch_warnings():  # "install httpx2": not yet published; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from handouts.web.app import create_app  # noqa: E402
from handouts.web.engine import Engine  # noqa: E402
from handouts.web.security import allowed_hosts  # noqa: E402

BASE_URL = "http://127.0.0.1:8765"
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class Client(TestClient):
    def token(self) -> str:
        page = self.get("/build")
        return CSRF.search(page.text).group(1)


def make_client(workspace: Path, password: str = "") -> Client:
    app = create_app(Engine(workspace), allowed_hosts("127.0.0.1"), password)
    return Client(app, base_url=BASE_URL, follow_redirects=False)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (no handouts.yaml): the built-in content and demo brand."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clinic workspace: handouts.yaml naming a content folder."""
    (tmp_path / "clinic" / "programmes").mkdir(parents=True)
    (tmp_path / "handouts.yaml").write_text("content: clinic\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def client(workspace: Path) -> Client:
    return make_client(workspace)


class FormFields(HTMLParser):
    """The values a browser would submit from a page's form (no buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._first: tuple[str, str] | None = None
        self._chosen = False
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._first, self._chosen = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first is None:
                self._first = (self._select, value)
            if "selected" in a:
                self.fields.append((self._select, value))
                self._chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            if not self._chosen and self._first:
                self.fields.append(self._first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(html: str, changes: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The page's form fields, with ``changes`` replacing (or adding) single values."""
    parser = FormFields()
    parser.feed(html)
    changes = changes or {}
    fields: dict[str, list[str]] = {}
    for key, value in parser.fields:
        if key not in changes:
            fields.setdefault(key, []).append(value)
    return fields | {key: [value] for key, value in changes.items()}
