"""Helpers for whole-handout tests: build through the Builder API, read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest
from PIL import Image, ImageFilter
from pypdf import PdfReader

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Handout, Options, Selection
from handouts.content.models import Patient

DATE = dt.date(2026, 3, 1)
DATE_TEXT = "1 March 2026"
PATIENT = Patient(
    name="Alex Morgan",
    clinician="Sam Okafor",
    start=dt.date(2026, 3, 2),
    note="Keep your knees soft, and stop at 5 out of 10 pain.",
)
LITERAL = '<b>Smith & Sons "Physio" <img src=x>'
PDFFONTS, QPDF, PDFTOPPM = (shutil.which(tool) for tool in ("pdffonts", "qpdf", "pdftoppm"))
TABLE_HEADER = "Exercise Position Sets Reps Tempo Rest Load"
SMALL = Selection(sections=["recovery"])  # a quick handout: page one, one section, sources
LARGE = Options(large_print=True)


def norm(text: str) -> str:
    """Whitespace collapsed: line breaks from wrapping do not matter to the checks."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Built:
    handout: Handout
    pdf: bytes

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def pages(self) -> list[str]:
        return [norm(page.extract_text()) for page in self.reader.pages]

    @cached_property
    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, 1-based page) for every outline entry, in order."""
        found: list[tuple[int, str, int]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    found.append(
                        (level, item.title, self.reader.get_destination_page_number(item) + 1)
                    )

        walk(self.reader.outline, 0)
        return found

    def pages_with(self, text: str) -> list[int]:
        return [number for number, page in enumerate(self.pages, 1) if text in page]

    def tracking_pages(self) -> list[int]:
        """The tracking sheet's pages: the last ones, each under its title."""
        return self.pages_with("Tracking sheet")


def build(builder: Builder, selection: Selection, patient: Patient = PATIENT, **kwargs) -> Built:
    kwargs.setdefault("date", DATE)
    handout, pdf = builder.build(Request(selection, patient, **kwargs))
    return Built(handout, pdf)


def pdffonts(pdf: bytes, tmp_path: Path) -> list[tuple[str, str]]:
    """(font name, emb column) per font, as poppler reports them."""
    if PDFFONTS is None:
        pytest.skip("pdffonts (poppler-utils) not installed")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([PDFFONTS, str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]  # after the header and the dashes
    return [(row.split()[0], row.split()[-5]) for row in rows if row.strip()]


def qpdf_check(pdf: bytes, tmp_path: Path) -> None:
    if QPDF is None:
        pytest.skip("qpdf not installed")
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    result = subprocess.run([QPDF, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def darkest_patch(pdf: bytes, tmp_path: Path, page: int) -> int:
    """Mean grey (0 black … 255 white) of the darkest ~16 mm square on a page.

    Rendered at 20 dpi, where body text blurs to light grey; only a solid fill
    the size of a thumbnail or more (a header band, a filled block) gets dark.
    """
    if PDFTOPPM is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    path = tmp_path / "ink.pdf"
    path.write_bytes(pdf)
    stem = tmp_path / f"ink-{page}"
    args = [PDFTOPPM, "-r", "20", "-gray", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([*args, str(path), str(stem)], check=True)
    image = Image.open(f"{stem}.pgm").convert("L")
    return image.filter(ImageFilter.BoxBlur(6)).getextrema()[0]


def image_xobjects(page) -> int:  # noqa: ANN001 - a pypdf page
    """Image XObjects drawn on a page, looking inside form XObjects too."""

    def count(resources) -> int:  # noqa: ANN001
        total = 0
        for ref in (resources or {}).get("/XObject", {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Image":
                total += 1
            elif xobject.get("/Subtype") == "/Form":
                total += count(xobject.get("/Resources"))
        return total

    return count(page.get("/Resources"))


def link_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            action = annot.get("/A")
            if annot.get("/Subtype") == "/Link" and action and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


# -- the clinic folder: exercises and sections made for these tests --
EXERCISE = """\
id: {id}
name: {name}
summary: A short exercise made for the renderer tests.
targets: [Calf]
position: Standing
steps:
{steps}
cues: [Keep tall.]
mistakes: [Rushing the lowering.]
safety: '{safety}'
{extra}
levels:
  - level: 1
    label: Basic
    sets: 3
    reps: "10"
    tempo: 2 s up / 2 s down
    rest: 30 s
"""


def write_exercise(folder: Path, ex_id: str, name: str, steps: list[str], **kw: str) -> None:
    text = EXERCISE.format(
        id=ex_id,
        name=name,
        steps="\n".join(f"  - '{step}'" for step in steps),
        safety=kw.get("safety", f"Stop {name} if you feel sharp pain."),
        extra=kw.get("extra", ""),
    )
    (folder / f"{ex_id}.yaml").write_text(text, encoding="utf-8")


GRID_IDS = [f"grid-{n:02d}" for n in range(1, 21)]
MARKDOWN = """\
---
id: markdown-tour
title: A tour of Markdown
sources: [doi-paper, iri-page]
---

Read the [NHS advice on calf pain](https://www.nhs.uk/conditions/calf-pain/) first.

## Small heading

- First point
- Second point

| Muscle | Knee |
|---|---|
| Soleus | Bent |
| Gastrocnemius | Straight |

> **Stop** if the pain is sharp.
"""

# Call-outs of a few lines, each after a different amount of text: some reach a page foot.
CALLOUTS = "---\nid: callouts\ntitle: Call-outs\n---\n\n" + "".join(
    "Short line.\n\n" * (n % 5)
    + "A paragraph of text before the call-out, long enough to wrap onto a second line. " * 2
    + f"\n\n> Callout{n:02d} starts. "
    + "Its text runs on over a few lines of the box. " * 5
    + f"End{n:02d}.\n\n"
    for n in range(24)
)


@dataclass
class Variants:
    builder: Builder
    built: dict[str, Built] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Built:
        if name not in self.built:
            options = {
                "large-print": Options(large_print=True),
                "ink-saver": Options(ink_saver=True),
                "fillable": Options(fillable=True),
            }[name]
            self.built[name] = build(self.builder, Selection(DEFAULT_PROGRAMME), options=options)
        return self.built[name]


def card_page(built: Built, first_step: str) -> int:
    pages = built.pages_with(norm(first_step))
    assert len(pages) == 1, f"step {first_step!r} found on pages {pages}"
    return pages[0]


BATCH = [
    Patient(name="Ann Okafor"),
    Patient(name="Zoë Ødegård-Quinn", clinician="Dr Ξ. Παπαδόπουλος"),  # new and fallback glyphs
    Patient(name="Ben Müller", note="Two sessions a week while your exams are on."),
    Patient(name="Cat Jones", start=dt.date(2026, 3, 9)),
]
