"""Make fillable text fields use the embedded brand font instead of Helvetica.

reportlab's AcroForm only knows the 14 standard fonts, so every text field it
makes refers to a non-embedded Helvetica. The fields start empty, so we give
them font-free empty appearances and point the form's default resources at the
brand font already embedded in the page, which viewers use when typing.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

FORM_FONT = "/HOFont"


def _embedded_font(writer: PdfWriter, base_name: str):  # noqa: ANN202 - pypdf object
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            if str(font.get("/BaseFont", "")).endswith(base_name):
                return ref
    return None


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
    from pypdf.generic import ArrayObject, FloatObject

    return ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)])


def embed_form_fonts(pdf: bytes, base_font: str, size: float = 10) -> bytes:
    """Rewrite text-field appearances and defaults to use ``base_font`` (already embedded)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    font_ref = _embedded_font(writer, base_font)
    acro = writer._root_object.get("/AcroForm")
    if font_ref is None or acro is None:
        return pdf
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
