"""Tagged PDF: every handout variant passes a PDF/UA-1 validator, and what a validator
cannot see is checked here (no text hidden from a screen reader, the tree reads in
the page's order, every figure is described)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import page
import pytest
from tagged_pdf import TaggedPdf, read

from handouts.build import Builder, Request
from handouts.compose import Options, Selection
from handouts.content.models import Patient
from handouts.deliver.batch_report import COMBINED_NOTE
from handouts.post.impose import IMPOSE_NOTE, has_forms_or_outline, impose_booklet
from handouts.post.merge import combine

DATE = dt.date(2026, 3, 1)
PROGRAMME = "soleus-strength-runners"
VARIANTS = {
    "default": Options(),
    "large print": Options(large_print=True),
    "fillable": Options(fillable=True),
    "letter": Options(paper="letter"),
    "ink saver": Options(ink_saver=True),
}


_BUILT: dict[tuple[str, str], bytes] = {}


def _build(builder: Builder, variant: str, name: str = "Ann Lee") -> bytes:
    """One handout per variant and name, built once for the module."""
    if (variant, name) not in _BUILT:
        options = VARIANTS[variant]
        request = Request(Selection(PROGRAMME), Patient(name=name), options=options, date=DATE)
        _BUILT[variant, name] = builder.build(request)[1]
    return _BUILT[variant, name]


@pytest.fixture(scope="module", params=list(VARIANTS))
def variant(request: pytest.FixtureRequest, builder: Builder) -> bytes:
    return _build(builder, request.param)


@pytest.fixture(scope="module")
def tagged(builder: Builder) -> TaggedPdf:
    return read(_build(builder, "default"))


def _failures(pdf: bytes) -> list[str]:
    report = page.validate_pdf_bytes(pdf, profile="ua1")
    assert report.rules.total >= 100  # the whole PDF/UA-1 profile ran
    return [f"{failure.rule_id}: {failure.message}" for failure in report.failures]


# -- the validator ---------------------------------------------------------------------
def test_every_variant_passes_pdf_ua_1(variant: bytes) -> None:
    assert _failures(variant) == []


def test_a_handout_built_in_a_batch_passes_pdf_ua_1(builder: Builder) -> None:
    """The second patient's handout replays the pages recorded for the first."""
    _build(builder, "default", "First Patient")
    assert _failures(_build(builder, "default", "Second Patient")) == []


def test_the_validator_fails_an_untagged_pdf(builder: Builder) -> None:
    """The check can fail: a booklet (a print file) keeps no tags."""
    booklet = impose_booklet(_build(builder, "default"))
    assert any("STRUCT-TREE-ROOT" in failure for failure in _failures(booklet))


# -- what a validator cannot judge --------------------------------------------------------
def test_no_text_is_hidden_from_a_screen_reader(variant: bytes) -> None:
    """Every text-showing operator is inside tagged content or an artifact."""
    for number, page_text in enumerate(read(variant).pages, start=1):
        assert page_text.untagged == [], f"page {number}"


def test_the_tree_reads_the_page_text_in_the_page_order(variant: bytes) -> None:
    """Each marked sequence once, in the order the pages draw it (page one's header and
    footer, drawn first, are read first and last: they are forms)."""
    tagged = read(variant)
    order = tagged.reading_order()
    assert len(order) == len(set(order))
    drawn = [(number, mcid) for number, p in enumerate(tagged.pages) for mcid in p.order]
    assert sorted(order) == sorted(drawn)
    forms = {(number, mcid) for number, p in enumerate(tagged.pages) for mcid in p.from_forms}
    assert [m for m in order if m not in forms] == [m for m in drawn if m not in forms]


def test_page_one_reads_the_clinic_first_and_its_disclaimer_last(tagged: TaggedPdf) -> None:
    top = tagged.root.kids
    assert top[0].role == "Figure" and top[0].alt.startswith("Logo of ")
    assert top[1].role == "H1" and top[1].text.strip() == "Soleus strength for runners"
    assert top[-1].role == "P" and "1 March 2026" in top[-1].text  # the footer: date, disclaimer


def test_every_figure_has_alternative_text(variant: bytes) -> None:
    figures = [e for e in read(variant).root.walk() if e.role == "Figure"]
    assert figures and all(figure.alt and figure.alt.strip() for figure in figures)


def test_headings_lists_and_tables_are_tagged(tagged: TaggedPdf) -> None:
    elements = list(tagged.root.walk())
    headings = [(e.role, e.text.strip()) for e in elements if e.role in ("H1", "H2", "H3")]
    assert ("H1", "Your programme") in headings and ("H1", "Tracking sheet") in headings
    assert ("H2", "Bent-knee calf raise") in headings and ("H3", "How to do it") in headings
    items = [e for e in elements if e.role == "LI"]
    assert items and all([k.role for k in item.kids] == ["Lbl", "LBody"] for item in items)
    steps = next(e for e in elements if e.role == "L" and e.kids[0].kids[0].text.strip() == "1.")
    assert [item.kids[0].text.strip() for item in steps.kids][:3] == ["1.", "2.", "3."]
    tables = [e for e in elements if e.role == "Table"]
    workout = tables[0]
    head = workout.kids[0]
    assert [cell.role for cell in head.kids] == ["TH"] * 7
    assert all(cell.attributes["/Scope"] == "/Column" for cell in head.kids)
    assert [cell.text.strip() for cell in head.kids][:3] == ["Exercise", "Position", "Sets"]
    phase = workout.kids[1].kids
    assert len(phase) == 1 and phase[0].attributes["/ColSpan"] == 7  # "Weeks 1–2 · …"


def test_the_tracking_sheet_is_a_table_with_week_headers(tagged: TaggedPdf) -> None:
    grid = [e for e in tagged.root.walk() if e.role == "Table"][-1]
    weeks = [cell.text.strip() for cell in grid.kids[0].kids]
    assert weeks[:3] == ["Exercise", "Week 1", "Week 2"]
    widths = {sum(int(c.attributes.get("/ColSpan", 1)) for c in row.kids) for row in grid.kids[:2]}
    assert len(widths) == 1  # the header rows span the same columns


def test_links_are_link_elements(builder: Builder) -> None:
    """The references section's DOIs are links."""
    selection = Selection(PROGRAMME, sections=["references"])
    pdf = builder.build(Request(selection, Patient(name="Ann Lee"), date=DATE))[1]
    assert _failures(pdf) == []
    tagged = read(pdf)
    links = [e for e in tagged.root.walk() if e.role == "Link"]
    assert links and all(link.kids[0].role == "OBJR" for link in links)
    for link in links:
        annotation = link.kids[0].attributes["Obj"]
        assert annotation.Subtype == "/Link" and "/StructParent" in annotation


def test_form_fields_say_what_to_enter(builder: Builder) -> None:
    tagged = read(_build(builder, "fillable"))
    forms = [e for e in tagged.root.walk() if e.role == "Form"]
    tips = [str(form.kids[0].attributes["Obj"].TU) for form in forms]
    assert "Bent-knee calf raise, week 3, session 1, left" in tips  # level 2: one leg
    assert "Bent-knee calf raise, week 1, session 1" in tips  # level 1: both legs, one box
    assert "Your notes" in tips
    assert len(forms) == sum(len(p.get("/Annots", [])) for p in tagged.pdf.pages)


def test_the_document_says_it_is_pdf_ua(tagged: TaggedPdf) -> None:
    root = tagged.pdf.Root
    assert root.MarkInfo.Marked is True and root.ViewerPreferences.DisplayDocTitle is True
    assert str(root.Lang) == "en-GB"
    xmp = root.Metadata.read_bytes().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "Soleus strength for runners" in xmp


def test_no_font_maps_a_code_to_u0000(tagged: TaggedPdf) -> None:
    for pdf_page in tagged.pdf.pages:
        for font in pdf_page.Resources.Font.values():
            assert b"<0000>" not in font.ToUnicode.read_bytes()


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_pdfinfo_reports_tagged(tmp_path, builder: Builder) -> None:
    path = tmp_path / "handout.pdf"
    path.write_bytes(_build(builder, "default"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout


# -- print files ----------------------------------------------------------------------------
def test_print_files_say_they_are_not_tagged(builder: Builder) -> None:
    handout = _build(builder, "default")
    combined = combine([handout, handout])
    assert b"/StructTreeRoot" not in combined and b"/Marked true" not in combined
    assert "not tagged" in COMBINED_NOTE
    assert has_forms_or_outline(handout) and "screen readers" in IMPOSE_NOTE


def test_words_at_a_line_break_stay_apart(tagged: TaggedPdf) -> None:
    """A wrapped line ends in a space: "works in", never "worksin"."""
    texts = [element.text for element in tagged.root.walk()]
    summary = next(text for text in texts if text.startswith("A 6-week plan"))
    assert "works in every running stride" in summary  # "works" ends the first line
    # The card's position, then what the patient needs, on one line with a gap between.
    assert any(
        re.match(r"Position: Standing, knees slightly bent\s+You need: ", text) for text in texts
    )


def test_the_clinic_name_and_its_website_read_as_two_words(tagged: TaggedPdf) -> None:
    """The header draws them apart on the page; their text must not run together."""
    header = tagged.root.kids[0].text
    assert "Running Clinic https://example.org" in header, header
