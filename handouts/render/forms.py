"""Make fillable text fields type in the brand font instead of Helvetica.

reportlab's AcroForm only knows the 14 standard fonts, so every text field it
makes refers to a non-embedded Helvetica. The fields start empty, so we give
them font-free empty appearances and point the form's default resources at a
copy of the brand's regular face, which viewers use when a patient types.

That copy cannot be the subset the pages use: it holds only the letters printed,
so a typed "Q" or "é" would vanish. It is the face cut to the WinAnsi character
set (every letter of Western European languages), made once per process.

The file is edited with pikepdf (qpdf): a year-long tracker has thousands of fields,
and rewriting it object by object in Python took longer than laying it out.
"""

from __future__ import annotations

import functools
import io
from typing import NamedTuple

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

FORM_FONT = "/HOFont"
FIRST_CODE, LAST_CODE = 32, 255  # WinAnsi's printable codes
NONSYMBOLIC = 32  # font descriptor flag: standard Latin character set


class FormFont(NamedTuple):
    program: bytes  # TrueType, cut to WinAnsi
    name: str
    widths: list[int]  # per code FIRST_CODE..LAST_CODE, in 1/1000 em
    bbox: list[int]
    ascent: int
    descent: int
    cap_height: int


def _winansi_chars() -> dict[int, int]:
    """WinAnsi code -> Unicode code point, for the codes cp1252 defines."""
    chars = {}
    for code in range(FIRST_CODE, LAST_CODE + 1):
        try:
            chars[code] = ord(bytes([code]).decode("cp1252"))
        except UnicodeDecodeError:
            continue  # five codes cp1252 leaves undefined
    return chars


@functools.cache
def form_font(path: str) -> FormFont:
    from fontTools.ttLib import TTFont

    from handouts.render.font_cache import PRINT_NAME_IDS, keep_only

    font = TTFont(path, recalcTimestamp=False)  # the same file for the same --date
    chars = _winansi_chars()
    keep_only(font, chars.values(), layout_features=[], hinting=False, name_IDs=PRINT_NAME_IDS)
    scale = 1000 / font["head"].unitsPerEm
    cmap, advances = font.getBestCmap(), font["hmtx"].metrics
    widths = [
        round(advances[cmap[chars[code]]][0] * scale) if chars.get(code) in cmap else 0
        for code in range(FIRST_CODE, LAST_CODE + 1)
    ]
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    out = io.BytesIO()
    font.save(out)
    return FormFont(
        program=out.getvalue(),
        name="HOFORM+" + font["name"].getDebugName(6).replace(" ", ""),
        widths=widths,
        bbox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(getattr(os2, "sCapHeight", hhea.ascent) * scale),
    )


def _font_object(pdf: Pdf, font: FormFont) -> pikepdf.Object:
    program = pdf.make_stream(font.program, Length1=len(font.program))
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + font.name),
        Flags=NONSYMBOLIC,
        FontBBox=Array(font.bbox),
        ItalicAngle=0,
        Ascent=font.ascent,
        Descent=font.descent,
        CapHeight=font.cap_height,
        StemV=80,
        FontFile2=program,
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.TrueType,
            BaseFont=Name("/" + font.name),
            FirstChar=FIRST_CODE,
            LastChar=LAST_CODE,
            Widths=Array(font.widths),
            Encoding=Name.WinAnsiEncoding,
            FontDescriptor=pdf.make_indirect(descriptor),
        )
    )


def _empty_appearance(pdf: Pdf, width: float, height: float) -> pikepdf.Object:
    return pdf.make_stream(
        b"/Tx BMC EMC", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, width, height])
    )


def embed_form_fonts(pdf: bytes, font_file: str, size: float = 10) -> bytes:
    """Rewrite text-field appearances and defaults to type in the TrueType ``font_file``."""
    with Pdf.open(io.BytesIO(pdf)) as doc:
        acro = doc.Root.get("/AcroForm")
        if acro is None:
            return pdf
        font_ref = _font_object(doc, form_font(font_file))
        acro.DR = Dictionary(Font=Dictionary({FORM_FONT: font_ref}))
        appearance = String(f"{FORM_FONT} {size:g} Tf 0 g")
        acro.DA = appearance
        empty: dict[tuple[float, float], pikepdf.Object] = {}  # one per size, shared
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                if annot.get("/FT") != Name.Tx:
                    continue
                x0, y0, x1, y1 = (float(v) for v in annot.Rect)
                box = (round(x1 - x0, 4), round(y1 - y0, 4))
                if box not in empty:
                    empty[box] = _empty_appearance(doc, *box)
                annot.DA = appearance
                annot.AP = Dictionary(N=empty[box])
        out = io.BytesIO()
        # deterministic_id: the same handout and --date give the same bytes
        doc.save(out, deterministic_id=True)
    return out.getvalue()
