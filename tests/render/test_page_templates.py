"""A batch's shared pages: each page dictionary is formatted once per recording, and
filled in with each handout's object numbers."""

from __future__ import annotations

import pytest
from handout_pdf import BATCH, build
from reportlab.pdfbase import pdfdoc

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection
from handouts.content.library import Library
from handouts.content.models import Patient
from handouts.render import compact
from handouts.render.compact import Template


def test_a_template_fills_in_each_documents_numbers() -> None:
    first, second = pdfdoc.PDFDocument(), pdfdoc.PDFDocument()
    second.Reference(pdfdoc.PDFString("moves the numbers on"), "Other")
    for document in (first, second):
        document.Reference(pdfdoc.PDFString("a"), "A")
        document.Reference(pdfdoc.PDFString("b"), "B")
    obj = pdfdoc.PDFDictionary(
        {
            "First": pdfdoc.PDFObjectReference("A"),
            "Kids": pdfdoc.PDFArray([pdfdoc.PDFObjectReference("B")] * 2),
        }
    )
    template, body = Template.made(obj, first)
    assert template is not None
    assert body == pdfdoc.format(obj, first, toplevel=1).strip()
    assert template.fill(second) == pdfdoc.format(obj, second, toplevel=1).strip()
    assert template.fill(first) != template.fill(second)


@pytest.mark.parametrize("name", ["R7", "Annot.NUMBER3"])
def test_no_template_names_an_object_by_a_counter(name: str) -> None:
    """reportlab names some objects by a count: the same name may be another object in the
    next document, so an object that refers to one is formatted afresh each time."""
    document = pdfdoc.PDFDocument()
    document.Reference(pdfdoc.PDFString("x"), name)
    obj = pdfdoc.PDFDictionary({"Ref": pdfdoc.PDFObjectReference(name)})
    template, body = Template.made(obj, document)
    assert template is None
    assert body == pdfdoc.format(obj, document, toplevel=1).strip()


def test_no_template_for_an_object_that_registers_others() -> None:
    document = pdfdoc.PDFDocument()
    obj = pdfdoc.PDFDictionary({"Kid": pdfdoc.PDFStream(content="q Q")})  # numbered when written
    template, _ = Template.made(obj, document)
    assert template is None


def test_a_batch_formats_each_shared_page_dictionary_once(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    real = Template.made.__func__  # type: ignore[attr-defined]

    def counting(cls, obj, document):  # noqa: ANN001, ANN202
        made.append(obj)
        return real(cls, obj, document)

    monkeypatch.setattr(compact.Template, "made", classmethod(counting))
    builder = Builder(library)
    first = build(builder, Selection(DEFAULT_PROGRAMME), BATCH[0])
    pages = len(first.reader.pages)
    assert len(made) == pages - 1  # every page but page one, whose block is the patient's
    second = build(builder, Selection(DEFAULT_PROGRAMME), Patient(name="Bea Lund"))
    assert len(made) == pages - 1  # the same recording: its pages' templates filled in
    made.clear()
    alone = build(Builder(library), Selection(DEFAULT_PROGRAMME), Patient(name="Bea Lund"))
    assert made and second.pdf == alone.pdf
