"""Make fillable text fields type in the brand font instead of Helvetica.

reportlab's AcroForm only knows the 14 standard fonts, so every text field it
makes refers to a non-embedded Helvetica. The fields start empty, so we give
them font-free empty appearances and point the form's default resources at a
copy of the brand's regular face, which viewers use when a patient types.

That copy cannot be the subset the pages use: it holds only the letters printed,
so a typed "Q" or "é" would vanish. It is the face cut to the WinAnsi character
set (every letter of Western European languages), made once per process.
"""

from __future__ import annotations

import functools
import io
from typing import NamedTuple

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

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

    from handouts.render.fonts import PRINT_NAME_IDS, keep_only

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


def _font_object(writer: PdfWriter, font: FormFont):  # noqa: ANN202 - pypdf object
    program = StreamObject()
    program.set_data(font.program)
    program = program.flate_encode()
    program[NameObject("/Length1")] = NumberObject(len(font.program))
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject("/" + font.name),
            NameObject("/Flags"): NumberObject(NONSYMBOLIC),
            NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in font.bbox),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(font.ascent),
            NameObject("/Descent"): NumberObject(font.descent),
            NameObject("/CapHeight"): NumberObject(font.cap_height),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(program),
        }
    )
    return writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/TrueType"),
                NameObject("/BaseFont"): NameObject("/" + font.name),
                NameObject("/FirstChar"): NumberObject(FIRST_CODE),
                NameObject("/LastChar"): NumberObject(LAST_CODE),
                NameObject("/Widths"): ArrayObject(NumberObject(w) for w in font.widths),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
            }
        )
    )


def _empty_appearance(writer: PdfWriter, width: float, height: float):  # noqa: ANN202
    stream = DecodedStreamObject()
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _bbox(width, height),
        }
    )
    stream.set_data(b"/Tx BMC EMC")
    return writer._add_object(stream)


def _bbox(width: float, height: float):  # noqa: ANN202
    return ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)])


def embed_form_fonts(pdf: bytes, font_file: str, size: float = 10) -> bytes:
    """Rewrite text-field appearances and defaults to type in the TrueType ``font_file``."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    acro = writer._root_object.get("/AcroForm")
    if acro is None:
        return pdf
    font_ref = _font_object(writer, form_font(font_file))
    acro = acro.get_object()
    acro[NameObject("/DR")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject(FORM_FONT): font_ref})}
    )
    appearance = f"{FORM_FONT} {size:g} Tf 0 g"
    acro[NameObject("/DA")] = TextStringObject(appearance)
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/FT") != "/Tx":
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            annot[NameObject("/DA")] = TextStringObject(appearance)
            annot[NameObject("/AP")] = DictionaryObject(
                {NameObject("/N"): _empty_appearance(writer, x1 - x0, y1 - y0)}
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
