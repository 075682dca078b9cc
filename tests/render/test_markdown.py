"""Markdown → flowables: fixture inputs → flowable kinds and text; a PDF round trip."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import fontpkg
import pytest
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    HRFlowable,
    ListFlowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from handouts.errors import HandoutsError
from handouts.render.font_cache import print_ready
from handouts.render.fonts import escape_markup
from handouts.render.markdown import (
    MarkdownError,
    MarkdownStyles,
    markdown_to_flowables,
    unsupported_markdown,
)
from handouts.render.ttf import PrintFont

FONT = "MdTestAtkinson"
NASTY = '<b>Smith & Sons "Physio" <img src=x>'
NASTY_MD = NASTY.replace("<", "\\<")  # "<b>" is literal anyway; "\<" keeps autolinks out
WIDTH = 400.0
FRAME_WIDTH = A4[0] - 2 * 72 - 2 * 6  # SimpleDocTemplate: 1-inch margins, 6pt frame padding


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    faces = {
        "": (400, "normal"),
        "-Bold": (700, "normal"),
        "-Italic": (400, "italic"),
        "-BoldItalic": (700, "italic"),
    }
    for suffix, (weight, style) in faces.items():
        # As the handouts register it: one PostScript name is one font to reportlab.
        path = print_ready(fontpkg.path("Atkinson Hyperlegible", weight, style))
        pdfmetrics.registerFont(PrintFont(FONT + suffix, str(path)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=FONT + "-Bold",
        italic=FONT + "-Italic",
        boldItalic=FONT + "-BoldItalic",
    )


def make_styles(**overrides) -> MarkdownStyles:
    """Styles like the theme's: calm spacing, embedded fonts only."""
    _register_fonts()
    ink, accent = colors.HexColor("#222222"), colors.HexColor("#1F5F8B")
    body = ParagraphStyle(
        "md-body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6, textColor=ink
    )
    bold = {"fontName": FONT + "-Bold"}
    values = {
        "body": body,
        "h2": ParagraphStyle(
            "md-h2",
            parent=body,
            **bold,
            fontSize=13.5,
            leading=17,
            spaceBefore=12,
            spaceAfter=4,
            textColor=accent,
        ),
        "h3": ParagraphStyle(
            "md-h3", parent=body, **bold, fontSize=11.5, leading=15, spaceBefore=9, spaceAfter=3
        ),
        "bullet": ParagraphStyle("md-bullet", parent=body, spaceAfter=3),
        "table_header": ParagraphStyle("md-th", parent=body, **bold, fontSize=9.5, leading=12.5),
        "table_cell": ParagraphStyle(
            "md-td", parent=body, fontSize=9.5, leading=12.5, spaceAfter=0
        ),
        "callout": ParagraphStyle("md-callout", parent=body, spaceAfter=4),
        "rule_colour": colors.HexColor("#B8C4CE"),
        "callout_fill": colors.HexColor("#EAF2F8"),
        "callout_border": accent,
        "table_header_fill": colors.HexColor("#DCE8F1"),
        "grid_colour": colors.HexColor("#B8C4CE"),
        "link_colour": "#1F5F8B",
    }
    values.update(overrides)
    return MarkdownStyles(**values)


@pytest.fixture(scope="module")
def styles() -> MarkdownStyles:
    return make_styles()


def render(text: str, styles: MarkdownStyles, **kwargs) -> list:
    return markdown_to_flowables(text, styles, available_width=WIDTH, **kwargs)


def kinds(flowables: list) -> list[str]:
    """Class names; the renderer's Paragraph and ListFlowable subclasses by their base's."""
    bases = (Paragraph, ListFlowable)
    return [
        next((b.__name__ for b in bases if isinstance(f, b)), type(f).__name__) for f in flowables
    ]


def items(list_flowable: ListFlowable) -> list[list]:
    """The flowables of each ListItem, in order."""
    return [item._flowables for item in list_flowable._flowables]


def build_pdf(flowables: list, path: Path, pagesize=A4) -> str:
    # initialFontName: otherwise every page starts with a (non-embedded) Helvetica.
    doc = SimpleDocTemplate(
        str(path), pagesize=pagesize, invariant=1, title="test", initialFontName=FONT
    )
    doc.build(flowables)
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages)


# --- block kinds and text ----------------------------------------------------


def test_block_kinds(styles):
    text = """# Title one
## Two
### Three
#### Four

A paragraph.

- a
- b

1. one

> quote

| a | b |
|---|---|
| 1 | 2 |

---
"""
    flowables = render(text, styles)
    assert kinds(flowables) == [
        "Paragraph", "Paragraph", "Paragraph", "Paragraph", "Paragraph",
        "ListFlowable", "ListFlowable", "Table", "Table", "HRFlowable",
    ]  # fmt: skip
    h1, h2, h3, h4 = flowables[:4]
    assert [h.style for h in (h1, h2, h3, h4)] == [styles.h2, styles.h2, styles.h3, styles.h3]
    assert all(h.getKeepWithNext() for h in (h1, h2, h3, h4))
    assert flowables[4].style is styles.body and not flowables[4].getKeepWithNext()
    assert isinstance(flowables[-1], HRFlowable) and flowables[-1].color == styles.rule_colour


def test_inline_markup(styles):
    (paragraph,) = render("**bold** *it* ~~gone~~ `code` a  \nb\nc", styles)
    assert paragraph.text == "<b>bold</b> <i>it</i> <strike>gone</strike> code a<br/>b c"
    assert paragraph.getPlainText() == "bold it gone code ab c"


def test_code_block_keeps_lines_and_indent(styles):
    (paragraph,) = render("```\nfirst <x>\n  second\n```", styles)
    assert paragraph.text == "first &lt;x&gt;<br/>&nbsp;&nbsp;second"
    (indented,) = render("    Bridge   3 x 10\n", styles)
    assert indented.text == "Bridge&nbsp;&nbsp;&nbsp;3 x 10"
    assert paragraph.style is styles.body


# --- lists -------------------------------------------------------------------


def test_nested_lists(styles):
    text = "- outer *one*\n  - inner\n    1. deep\n- outer two\n"
    (outer,) = render(text, styles)
    assert outer._bulletType == "bullet" and outer._start == "\u2022"
    first, second = items(outer)
    assert kinds(first) == ["Paragraph", "ListFlowable"]
    assert first[0].text == "outer <i>one</i>" and first[0].style is styles.bullet
    inner = first[1]
    assert inner._leftIndent > 0 and inner.spaceAfter == styles.bullet.spaceAfter
    (deep,) = items(inner)[0][1:]
    assert deep._bulletType == "1" and items(deep)[0][0].text == "deep"
    assert second[0].text == "outer two"


def test_bullet_and_number_fonts_are_the_body_font(styles):
    for text in ("- a\n- b", "1. a\n2. b"):
        (flowable,) = render(text, styles)
        assert flowable._bulletFontName == styles.body.fontName
        assert flowable._bulletFontSize == styles.bullet.fontSize


def test_ordered_list_start_and_delimiter(styles):
    (ordered,) = render("7) seven\n8) eight\n", styles)
    assert ordered._start == 7 and ordered._bulletFormat("7") == "7)"
    (plain,) = render("1. one", styles)
    assert plain._start == 1 and plain._bulletFormat("1") == "1."


def test_ordered_list_from_zero_prints_zero(styles, tmp_path):
    flowables = render("0. warm up\n1. lift", styles)
    text = build_pdf(flowables, tmp_path / "zero.pdf")
    assert " ".join(text.split()) == "0. warm up 1. lift"


def test_empty_list_item(styles):
    (flowable,) = render("-\n- b", styles)
    assert kinds(items(flowable)[0]) == ["Spacer"]


# --- tables ------------------------------------------------------------------


TABLE = """| Exercise | Notes | Sets |
|:--|:--|--:|
| Bridge | Squeeze your glutes and lift your hips until your body is straight | 3 |
| Clam | Keep your feet together | 2 |
"""


def test_table_structure(styles):
    (table,) = render(TABLE, styles)
    assert isinstance(table, Table)
    assert table._ncols == 3 and table._nrows == 3 and table.repeatRows == 1
    assert getattr(table, "splitInRow", 1) == 1
    assert all(isinstance(cell, Paragraph) for row in table._cellvalues for cell in row)
    header, first = table._cellvalues[0], table._cellvalues[1]
    assert [p.text for p in header] == ["Exercise", "Notes", "Sets"]
    assert header[0].style.fontName == styles.table_header.fontName
    assert first[1].style.fontName == styles.table_cell.fontName
    assert first[2].style.alignment == TA_RIGHT  # "--:" column


def test_table_widths_fill_width_and_follow_content(styles):
    (table,) = render(TABLE, styles)
    widths = table._colWidths
    assert sum(widths) == pytest.approx(WIDTH)
    assert widths[1] > widths[0] > widths[2]
    assert min(widths) >= 48  # a sensible minimum


def test_table_header_fill_and_ink_saver(styles):
    (table,) = render(TABLE, styles)
    assert ("BACKGROUND", (0, 0), (-1, 0), styles.table_header_fill) in table._bkgrndcmds
    (saver,) = render(TABLE, make_styles(ink_saver=True))
    assert saver._bkgrndcmds == []
    assert any(cmd[0] == "GRID" for cmd in saver._linecmds)


# --- call-outs ---------------------------------------------------------------


def test_blockquote_is_callout(styles):
    (callout,) = render("> **Tip:** breathe out\n>\n> - as you lift", styles)
    assert isinstance(callout, Table) and callout._ncols == callout._nrows == 1
    inner = callout._cellvalues[0][0]
    assert kinds(inner) == ["Paragraph", "ListFlowable"]
    assert inner[0].style is styles.callout and inner[0].text == "<b>Tip:</b> breathe out"
    assert [cmd[0] for cmd in callout._bkgrndcmds] == ["BACKGROUND"]
    assert callout._bkgrndcmds[0][-1] == styles.callout_fill
    stripe = [cmd for cmd in callout._linecmds if cmd[0] == "LINEBEFORE"]
    assert stripe and stripe[0][4] == styles.callout_border


def test_callout_ink_saver_has_border_and_no_fill():
    (callout,) = render("> quote", make_styles(ink_saver=True))
    assert callout._bkgrndcmds == []
    assert [cmd[0] for cmd in callout._linecmds] == ["BOX"]


def test_long_callout_and_tall_row_split_across_pages(styles, tmp_path):
    para = "Keep breathing steadily while you hold the position. " * 12
    text = "\n>\n".join(f"> {para}" for _ in range(6))
    text += "\n\n| a | b |\n|---|---|\n| x | " + "Long cell text that wraps. " * 120 + " |\n"
    flowables = markdown_to_flowables(text, styles, available_width=A6[0] - 72)
    build_pdf(flowables, tmp_path / "split.pdf", pagesize=A6)  # no LayoutError
    assert len(PdfReader(str(tmp_path / "split.pdf")).pages) > 4


# --- links -------------------------------------------------------------------


@pytest.mark.parametrize(
    "href", ["http://example.org/a", "https://example.org/a?b=1", "mailto:clinic@example.org"]
)
def test_allowed_links(styles, href):
    (paragraph,) = render(f"[the *text*]({href})", styles)
    assert paragraph.text == f'<a href="{href}" color="#1F5F8B">the <i>text</i></a>'


def test_link_href_is_escaped(styles):
    (paragraph,) = render('[x](https://e.org/?a=1&b=2 "title")', styles)
    assert 'href="https://e.org/?a=1&amp;b=2"' in paragraph.text


def test_autolink(styles):
    (paragraph,) = render("<https://example.org>", styles)
    assert paragraph.text.startswith('<a href="https://example.org"')


@pytest.mark.parametrize(
    "href", ["ftp://example.org/f", "page.html", "javascript:alert(1)", "file:///etc/passwd"]
)
def test_other_schemes_print_text_only(styles, href):
    (paragraph,) = render(f"[visit](<{href}>)", styles)
    assert "<a" not in paragraph.text and "visit" in paragraph.text


# --- escaping ----------------------------------------------------------------

CONTEXTS = {
    "paragraph": f"{NASTY_MD}",
    "heading": f"## {NASTY_MD}",
    "list item": f"- {NASTY_MD}",
    "table cell": f"| h |\n|---|\n| {NASTY_MD} |",
    "link text": f"[{NASTY_MD}](https://example.org)",
    "call-out": f"> {NASTY_MD}",
}


def _paragraphs(flowables: list) -> list[Paragraph]:
    """Every Paragraph inside lists, tables and call-outs."""
    found = []
    for flowable in flowables:
        if isinstance(flowable, Paragraph):
            found.append(flowable)
        elif isinstance(flowable, ListFlowable):
            found += [p for item in items(flowable) for p in _paragraphs(item)]
        elif isinstance(flowable, Table):
            for row in flowable._cellvalues:
                for cell in row:
                    found += _paragraphs(cell if isinstance(cell, list) else [cell])
    return found


@pytest.mark.parametrize("where", CONTEXTS)
def test_raw_html_is_literal_text(styles, where):
    paragraph = _paragraphs(render(CONTEXTS[where], styles))[-1]
    assert escape_markup(NASTY) in paragraph.text
    assert paragraph.getPlainText() == NASTY


def test_raw_html_without_backslashes_is_literal(styles):
    (paragraph,) = render("<b>x</b> and <img src=x>", styles)
    assert paragraph.getPlainText() == "<b>x</b> and <img src=x>"


def test_escape_runs_once_per_text_leaf():
    seen = []

    def escape(text: str) -> str:
        seen.append(text)
        # Like the theme's escape: wraps a glyph the main font lacks in a fallback font.
        return escape_markup(text).replace("→", f'<font name="{FONT}-Bold">→</font>')

    styles = make_styles(escape=escape)
    (paragraph,) = render("A & B → **C → D** `x<y`", styles)
    assert seen == ["A & B → ", "C → D", " ", "x<y"]
    assert paragraph.text.count("<font") == 2 and "&amp;amp;" not in paragraph.text
    assert paragraph.getPlainText() == "A & B → C → D x<y"


# --- errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line",
    [
        ("Intro\n\n![a hip](hip.png)\n", 12),
        ("Intro\n\n- item\n- ![a hip](hip.png)\n", 13),
        ("| a |\n|---|\n| ![x](y.png) |\n", 12),  # cells have no map: the row's line
    ],
)
def test_image_is_an_error_with_line(styles, text, line):
    with pytest.raises(MarkdownError) as caught:
        render(text, styles, source="content/sections/hips.md", first_line=10)
    assert caught.value.message == f"content/sections/hips.md:{line}: unsupported Markdown: image"
    assert isinstance(caught.value, HandoutsError)
    # `handouts check` finds the same thing at the same line without rendering.
    assert unsupported_markdown(text)[0] == (line - 10, "image")


def test_everything_the_renderer_draws_passes_the_check(styles):
    text = (
        "# H\n\n### h3\n\nA **b** *i* ~~s~~ `c` [l](https://x.org) line  \nbreak\n\n"
        "- a\n- b\n\n1. one\n\n> quote\n\n---\n\n    code\n\n```\nfence\n```\n\n"
        "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n<b>not html</b> &amp;\n"
    )
    assert render(text, styles)
    assert unsupported_markdown(text) == []


def test_default_source_and_line(styles):
    with pytest.raises(MarkdownError, match=r"^<markdown>:1: unsupported Markdown: image$"):
        render("![x](y.png)", styles)


# --- whole document ----------------------------------------------------------

DOCUMENT = f"""# Looking after your back

Most back pain settles within **six weeks**. *Keep moving* — gentle walking helps.
Call [the clinic](https://example.org/back) or [e-mail us](mailto:team@example.org).

## What helps

- Short walks, several times a day
- Heat for ten minutes
  - a warm (not hot) pack
  - a shower
- {NASTY_MD}

### Build up slowly

3. Start with five minutes
4. Add two minutes each day
5. Stop if pain spreads down your leg

> **When to call us:** numbness around your bottom, or trouble passing urine.
> Call **999** straight away.

| Week | Walking | Notes |
|---|---|---|
| 1 | 5 minutes | Flat ground only |
| 2 | 10 minutes | {NASTY_MD} |

---

~~Bed rest~~ is no longer advised.\\
Line after a hard break.

```
Bridge   3 x 10
  hold   5 s
```
"""


def test_document_builds_to_pdf_with_literal_text(styles, tmp_path):
    path = tmp_path / "doc.pdf"
    flowables = markdown_to_flowables(DOCUMENT, styles, available_width=FRAME_WIDTH)
    text = " ".join(build_pdf(flowables, path).split())
    assert text.count(NASTY) == 2  # list item and table cell
    for expected in ("Looking after your back", "What helps", "• Heat for ten minutes",
                     "3. Start with five minutes", "5. Stop if pain", "When to call us:",
                     "Flat ground only", "Bed rest is no longer advised. Line after"):  # fmt: skip
        assert expected in text
    links = [a["/A"]["/URI"] for a in PdfReader(str(path)).pages[0]["/Annots"]]
    assert links == ["https://example.org/back", "mailto:team@example.org"]


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="pdffonts (poppler-utils) not installed")
def test_document_fonts_are_embedded_and_never_helvetica(styles, tmp_path):
    path = tmp_path / "doc.pdf"
    build_pdf(markdown_to_flowables(DOCUMENT, styles, available_width=FRAME_WIDTH), path)
    output = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = output.stdout.splitlines()[2:]
    assert rows and "Helvetica" not in output.stdout
    assert all(row.split()[-5] == "yes" for row in rows)  # the "emb" column


def test_table_inside_callout_fits_the_box(styles):
    (callout,) = render("> | a | b |\n> |---|---|\n> | 1 | 2 |", styles)
    (inner,) = callout._cellvalues[0][0]
    left, right = callout._cellStyles[0][0].leftPadding, callout._cellStyles[0][0].rightPadding
    assert sum(inner._colWidths) == pytest.approx(callout._colWidths[0] - left - right)


def test_a_paragraph_breaks_its_lines_once_per_width(monkeypatch: pytest.MonkeyPatch) -> None:
    from handouts.render.paragraph import Para

    body = make_styles().body
    para = Para("Lower slowly and keep the knee bent. " * 20, body)
    broken: list[list[float]] = []
    break_lines = Para.breakLines

    def counting(self, widths):  # noqa: ANN001, ANN202
        broken.append(widths)
        return break_lines(self, widths)

    monkeypatch.setattr(Para, "breakLines", counting)
    assert para.wrap(WIDTH, 800) == para.wrap(WIDTH, 800) == (WIDTH, para.height)
    assert len(broken) == 1
    narrow = para.wrap(WIDTH / 2, 800)
    assert len(broken) == 2 and narrow[1] > para.wrap(WIDTH, 800)[1]
    assert len(broken) == 3  # back to the first width: broken again, then kept
    del para.blPara  # what reportlab does when a split leaves no room on the page
    para.wrap(WIDTH, 800)
    assert len(broken) == 4


def test_a_lists_last_item_never_starts_a_page_alone(styles, tmp_path):
    """A lone bullet at the top of a page reads as cut off from the list it belongs to."""
    text = "- Alpha item\n- Bravo item\n- Charlie item\n"
    width, height = A6[0] - 156, A6[1] - 156  # SimpleDocTemplate's frame: inch margins, padding
    for filler in range(0, int(height), 4):  # every place the page could end
        flowables = markdown_to_flowables(text, styles, available_width=width)
        build_pdf([Spacer(0, filler), *flowables], tmp_path / "list.pdf", pagesize=A6)
        pages = [page.extract_text() for page in PdfReader(str(tmp_path / "list.pdf")).pages]
        page = next(page for page in pages if "Charlie item" in page)
        assert "Bravo item" in page, filler
