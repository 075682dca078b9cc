"""The brand page: page one previewed in a draft brand, the contrast warning, saving checked."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from pypdf import PdfReader
from webpage import form_of, make_client

from handouts.cli.app import main

PNG = (Path(__file__).parents[2] / "docs" / "web-page.png").read_bytes()


@pytest.fixture
def initialised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace as `handouts init` makes it, with brands/clinic.yaml."""
    from click.testing import CliRunner

    assert CliRunner().invoke(main, ["init", str(tmp_path / "clinic")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "clinic")
    return tmp_path / "clinic"


def test_the_preview_is_page_one_in_the_draft_brand(client) -> None:
    page = client.get("/brand").text
    form = form_of(page, {"name": "Hill Street Physio"})
    response = client.post("/brand/preview", data=form)
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "Hill Street Physio" in reader.pages[0].extract_text()
    assert "x-handout-notes" not in response.headers


def test_a_pale_main_colour_gets_the_contrast_warning(client) -> None:
    form = form_of(client.get("/brand").text, {"primary": "#f0f0a0"})
    response = client.post("/brand/preview", data=form)
    notes = unquote(response.headers["x-handout-notes"])
    assert "contrast 1.2:1, below WCAG AA 4.5:1" in notes


def test_saving_writes_the_workspace_brand_and_its_logo(initialised: Path) -> None:
    client = make_client(initialised)
    page = client.get("/brand").text
    form = form_of(page, {"name": "Hill Street Physio", "contact": "1 Hill St\nPhone 555"})
    logo = {"logo_file": ("my logo.png", PNG, "image/png")}
    response = client.post("/brand/save", data=form, files=logo)
    assert response.status_code == 200, response.text
    assert "Saved to clinic.yaml" in response.text
    saved = yaml.safe_load((initialised / "brands" / "clinic.yaml").read_text(encoding="utf-8"))
    assert saved["name"] == "Hill Street Physio"
    assert saved["contact"] == ["1 Hill St", "Phone 555"]
    assert saved["logo"] == "logo.png"
    assert (initialised / "brands" / "logo.png").read_bytes() == PNG
    assert 'value="Hill Street Physio"' in client.get("/brand").text


def test_a_bad_brand_is_refused_with_its_field_and_nothing_is_written(initialised: Path) -> None:
    client = make_client(initialised)
    before = (initialised / "brands" / "clinic.yaml").read_bytes()
    page = client.get("/brand").text
    empty = client.post("/brand/save", data=form_of(page, {"name": ""}))
    assert empty.status_code == 422 and "brand: name: must not be empty" in empty.text
    fake = {"logo_file": ("logo.png", b"MZ\x90\x00 not an image", "image/png")}
    refused = client.post("/brand/save", data=form_of(page), files=fake)
    assert refused.status_code == 422
    assert "the logo must be a PNG, JPEG or SVG file" in refused.text
    assert (initialised / "brands" / "clinic.yaml").read_bytes() == before
    assert sorted(p.name for p in (initialised / "brands").iterdir()) == ["clinic.yaml"]


def test_without_a_workspace_brand_saving_says_how_to_make_one(client) -> None:
    page = client.get("/brand").text
    assert re.search(r'<button type="submit" class="primary"\s+disabled', page)
    response = client.post("/brand/save", data=form_of(page, {"name": "X"}))
    assert response.status_code == 422 and "handouts init clinic" in response.text
