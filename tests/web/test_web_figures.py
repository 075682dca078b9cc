"""Exercise figures on the web page: drawn from each pose as SVG, with the figure's own alt text."""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

import pytest
from webpage import make_client

from handouts.content.loader import load_library

IMG = re.compile(r'<img src="([^"]+)" alt="([^"]*)"')


@pytest.fixture(scope="module")
def library():  # noqa: ANN201 - Library
    return load_library([], lenient=True)


def card(page: str, exercise_id: str) -> str:
    start = page.index(f'id="exercise-{exercise_id}"')
    return page[start : page.index("</li>", start)]


def distinct_figures(exercise) -> list:  # noqa: ANN001
    shown: list = []
    for level in exercise.levels:
        drawn = exercise.figure_at(level.level)
        if drawn is not None and (not shown or shown[-1] is not drawn):
            shown.append(drawn)
    return shown


def test_the_library_shows_each_pose_of_every_exercise_with_its_alt_text(client, library) -> None:
    page = client.get("/library").text
    for exercise in library.exercises.values():
        figures = distinct_figures(exercise)
        found = IMG.findall(card(page, exercise.id))
        images = [(html.unescape(url), html.unescape(alt)) for url, alt in found]
        assert [alt for _url, alt in images] == [f.alt for f in figures], exercise.id
        for url, alt in images:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response.headers["content-type"] == "image/svg+xml"
            svg = response.text
            assert svg.startswith("<svg")
            assert html.unescape(re.search(r"<title>([^<]*)</title>", svg).group(1)) == alt


def test_levels_that_share_a_pose_share_one_figure(client) -> None:
    """bent-knee-calf-raise draws levels 3 and 4 with one figure: one picture, one caption."""
    page = card(client.get("/library").text, "bent-knee-calf-raise")
    assert re.findall(r"<figcaption>([^<]+)</figcaption>", page) == [
        "Level 1",
        "Level 2",
        "Levels 3–4",
    ]


def test_the_picker_shows_a_small_figure_of_each_exercise(client, library) -> None:
    page = client.get("/build").text
    picker = page[page.index('id="picker"') :]
    picks = re.findall(r'<li class="pick".*?</li>', picker, flags=re.S)
    assert len(picks) == len(library.exercises)
    for pick in picks:
        url, alt = (html.unescape(v) for v in IMG.search(pick).groups())
        assert "size=small" in url and alt
        small = client.get(url)
        assert small.status_code == 200 and small.text.startswith("<svg")
        full = client.get(url.replace("&size=small", ""))
        assert len(small.content) < len(full.content)  # the end pose alone, fewer details


def test_a_plan_row_shows_the_figure_of_its_level(client) -> None:
    page = client.get("/build").text
    rows = re.findall(r'<li class="exercise-row">.*?</li>', page, flags=re.S)
    assert rows
    for row in rows:
        exercise = re.search(r'exercise" value="([^"]+)"', row).group(1)
        level = re.search(r"<option value=\"(\d+)\" selected", row).group(1)
        url = html.unescape(re.search(r'<img src="([^"]+)" alt="" class="thumb"', row).group(1))
        assert url.startswith(f"/figure/{exercise}?level=") and url.endswith("&size=small")
        level_figure = client.get(f"/figure/{exercise}?level={level}&size=small")
        assert client.get(url).content == level_figure.content  # levels of a pose share a URL


def test_a_figure_is_sent_compressed_and_revalidated(client) -> None:
    first = client.get("/figure/toe-walks?level=2", headers={"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["content-security-policy"].startswith("default-src 'none'")
    assert first.text.startswith("<svg")  # the client undoes the gzip
    assert len(gzip.compress(first.content)) < len(first.content) / 3
    etag = {"if-none-match": first.headers["etag"]}
    again = client.get("/figure/toe-walks?level=2", headers=etag)
    assert again.status_code == 304 and not again.content
    other = client.get("/figure/toe-walks?level=3")
    assert other.headers["etag"] != first.headers["etag"]


@pytest.mark.parametrize(
    "query", ["level=9", "level=0", "level=x", "level=99999", "size=huge", "level=-1"]
)
def test_a_figure_that_cannot_be_drawn_is_a_404(client, query: str) -> None:
    assert client.get(f"/figure/toe-walks?{query}").status_code == 404


def test_figures_take_the_clinics_brand_colours(clinic: Path) -> None:
    (clinic / "handouts.yaml").write_text("content: clinic\nbrand: brand.yaml\n", encoding="utf-8")
    (clinic / "brand.yaml").write_text(
        "name: Hilltop Clinic\nprimary: '#7a1f5c'\naccent: '#1f7a3a'\n", encoding="utf-8"
    )
    demo = make_client(clinic.parent).get("/figure/toe-walks").text
    client = make_client(clinic)
    svg = client.get("/figure/toe-walks").text
    assert svg != demo
    assert "#1f7a3a" in svg  # the arrow in the brand's accent


def test_alt_text_from_a_clinic_file_stays_text_in_the_svg_and_the_page(clinic: Path) -> None:
    source = (Path(__file__).parents[2] / "content" / "exercises" / "toe-walks.yaml").read_text()
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    alt = "alt: A person walks forward on the balls of the feet with the heels held high."
    mine = source.replace(alt, f"alt: '{hostile}'")
    mine = mine.replace("id: toe-walks", "id: my-toe-walks")
    assert hostile in mine
    (clinic / "clinic" / "exercises").mkdir()
    (clinic / "clinic" / "exercises" / "my-toe-walks.yaml").write_text(mine, encoding="utf-8")
    client = make_client(clinic)
    page = client.get("/library").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    svg = client.get("/figure/my-toe-walks").text
    assert "<script" not in svg and "onerror=alert(2)&gt;" in svg
    assert not re.search(r"<(?!/?(svg|title|g|path|clipPath)\b)", svg)  # paths only


def test_a_clinic_exercise_with_its_own_image_keeps_its_picture(clinic: Path) -> None:
    source = Path(__file__).parents[2] / "content" / "exercises" / "wall-soleus-stretch.yaml"
    text = source.read_text(encoding="utf-8")
    text = text[: text.index("figure:")] + "image: photo.png\n" + text[text.index("levels:") :]
    text = text.replace("id: wall-soleus-stretch", "id: our-stretch")
    text = text.replace("name: Wall soleus stretch", "name: Our stretch")
    folder = clinic / "clinic" / "exercises"
    folder.mkdir()
    (folder / "our-stretch.yaml").write_text(text, encoding="utf-8")
    photo = (Path(__file__).parents[2] / "docs" / "web-page.png").read_bytes()
    (folder / "photo.png").write_bytes(photo)
    client = make_client(clinic)
    assert IMG.findall(card(client.get("/library").text, "our-stretch")) == [
        ("/figure/our-stretch", "Picture: Our stretch")
    ]
    response = client.get("/figure/our-stretch")
    assert response.headers["content-type"] == "image/png" and response.content == photo
    assert response.headers["content-security-policy"].startswith("default-src 'none'")


def figure_forms(pdf: bytes) -> set[str]:
    import io

    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        names |= {str(name) for name in xobjects if "Fig" in str(name)}  # FormXob.Fig…
    return names


@pytest.mark.parametrize("ink_saver", [False, True])
def test_the_page_prints_the_figures_the_cli_prints(client, workspace, ink_saver: bool) -> None:
    """Same output, figures included: colour and mono figures, byte for byte as the CLI."""
    from test_web_build import DATE, cli_build, web_pdf

    page = client.get("/build?start=achilles-eccentric").text
    flag = {"ink_saver": "1"} if ink_saver else {}
    web = web_pdf(client, page, {"patient": "Ann Lee", "date": DATE, **flag})
    cli_args = ["--ink-saver"] if ink_saver else []
    cli = cli_build(workspace / "cli.pdf", "achilles-eccentric", "--patient", "Ann Lee", *cli_args)
    assert web == cli
    assert len(figure_forms(web)) >= 6  # the cards' figures and the table's thumbnails
