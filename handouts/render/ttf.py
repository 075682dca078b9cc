"""A TrueType font whose subsets write printable ASCII as itself.

reportlab numbers the characters of a font subset in the order they first
appear, so the commonest letters get codes 1-31 and most text is written as
octal escapes (``\\015\\016\\004``): four bytes a letter, and harder to compress.
Its ``asciiReadable`` mode keeps ASCII at its own codes, but then every subset
embeds all 95 ASCII glyphs, used or not.

``PrintFont`` does both: a printable ASCII character (``!`` to ``~``) takes its
own code the first time it is used, and only then joins the subset; every other
character takes the next free code as in reportlab (1-31, 127-255, then further
subsets). The content streams of the default handout shrink by a sixth and the
fonts keep only the glyphs the handout uses.
"""

from __future__ import annotations

import hashlib
import string
from functools import lru_cache

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace, makeToUnicodeCMap

from handouts.render.compact import REPEATED_FLATE

SPACE = 32  # always code 32 in every subset: PDF word spacing applies to it
PRINTABLE = range(33, 127)  # '!' to '~': each keeps its own code in subset 0
SUBSET0_SIZE = 128
NBSP = 0xA0


class PrintFont(TTFont):
    """A ``TTFont`` whose subset 0 gives used printable ASCII its own code."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename, asciiReadable=False)
        self.face.__class__ = _PrintFace  # reportlab makes the face itself: no hook for its class

    def _readable_state(self, doc: object) -> TTFont.State:
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = TTFont.State(False, self)
        if not getattr(state, "readable", False):
            # reportlab's fresh state: code 0 .notdef, 1-32 space. Unused slots print as space.
            if state.nextCode != 1 or len(state.subsets) != 1:
                raise RuntimeError(f"{self.fontName}: codes were assigned before PrintFont's")
            state.subsets[0] += [SPACE] * (SUBSET0_SIZE - len(state.subsets[0]))
            state.readable = True
        return state

    def addObjects(self, doc: object) -> None:  # noqa: N802 - reportlab's name
        """reportlab's font objects, each subset named with its own tag.

        reportlab tags subset n of every font alike (``AAAAAA+`` for the first), so
        the three faces of a handout shared one tag: a print shop's RIP that caches
        fonts by name may then set one face's glyphs with another's.
        """
        state = self.state.get(doc) or TTFont.State(self._asciiReadable)
        self.state[doc] = state
        state.frozen = 1
        for number, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(number, doc)[1:]
            name = (self.face.name + self.face.subfontNameX).decode("pdfdoc")
            base = f"{subset_tag(name, subset)}+{name}"
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {number}"
            font.Name, font.BaseFont = internal, base
            font.FirstChar, font.LastChar = 0, len(subset) - 1
            font.Widths = _widths(self.face, tuple(subset))
            cmap = pdfdoc.PDFStream()
            # No ToUnicode entry for code 0 (.notdef, not a character): a screen reader
            # would meet U+0000, which PDF/UA forbids.
            cmap.content = _without_notdef(makeToUnicodeCMap(base, subset))
            if doc.compression:
                cmap.filters = [REPEATED_FLATE]
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base, subset)
            doc.Reference(font, internal)  # registers the object under its name
            doc.idToObject["BasicFonts"].dict[internal] = font
        del self.state[doc]

    def splitString(self, text: str | bytes, doc: object, encoding: str = "utf-8") -> list:  # noqa: N802
        """(subset, bytes) runs of ``text``, as reportlab's, with ASCII at its own codes."""
        if getattr(self.face, "_full_font", False):
            # A small font that forbids subsetting is embedded whole, with reportlab's codes.
            return super().splitString(text, doc, encoding)
        state = self._readable_state(doc)
        assignments = state.assignments
        known = self.face.charToGlyph
        if not isinstance(text, str):
            text = text.decode(encoding)
        runs: list[tuple[int, bytes]] = []
        run: list[int] = []
        run_subset = -1
        for char in map(ord, text):
            if char == NBSP:
                char = SPACE  # as reportlab: a no-break space prints as a space
            code = assignments.get(char)
            if code is None:
                code = _assign(state, char, self.fontName) if char in known else 0
            if code >> 8 != run_subset:
                if run:
                    runs.append((run_subset, bytes(run)))
                run_subset, run = code >> 8, []
            run.append(code & 0xFF)
        if run:
            runs.append((run_subset, bytes(run)))
        return runs


def _without_notdef(cmap: str) -> str:
    """A ToUnicode CMap from reportlab without its "<00> <0000>" entry."""
    head, entries = cmap.split(" beginbfchar\n", 1)
    lines = entries.split("\n")
    kept = [line for line in lines if not line.endswith(" <0000>")]
    count = int(head.rsplit("\n", 1)[1]) - (len(lines) - len(kept))
    return head.rsplit("\n", 1)[0] + f"\n{count} beginbfchar\n" + "\n".join(kept)


class _PrintFace(TTFontFace):
    """A face that builds each font subset once, not once per handout.

    The patients of a batch mostly use the same characters, so their handouts embed
    the same subsets: rebuilding them took about 7 % of each handout.
    """

    def makeSubset(self, subset: list[int]) -> bytes:  # noqa: N802 - reportlab's name
        return _subset_program(self, tuple(subset))

    def addSubsetObjects(self, doc: object, fontname: str, subset: list[int]) -> object:  # noqa: N802
        """reportlab's, with the font program compressed once per distinct subset."""
        descriptor = super().addSubsetObjects(doc, fontname, subset)
        program = doc.idToObject[f"fontFile:{self.filename}({fontname})"]
        if program.filters:
            program.filters = [REPEATED_FLATE]
        return descriptor


@lru_cache(maxsize=64)  # a few faces × the variants a batch's names add; ~8 KB each
def _subset_program(face: TTFontFace, subset: tuple[int, ...]) -> bytes:
    return TTFontFace.makeSubset(face, list(subset))


class _Formatted(pdfdoc.PDFObject):
    """A PDF value already written out: the same in every document."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: object) -> bytes:
        return self.data


@lru_cache(maxsize=64)  # as _subset_program: a batch's handouts mostly share their subsets
def _widths(face: TTFontFace, subset: tuple[int, ...]) -> _Formatted:
    """A subset's /Widths array, written once: 128 numbers formatted took ~0.3 ms a font."""
    widths = pdfdoc.PDFArray([face.getCharWidth(char) for char in subset])
    return _Formatted(widths.format(pdfdoc.PDFDocument()))


def _assign(state: TTFont.State, char: int, font_name: str) -> int:
    """Give ``char`` a code: its own if printable ASCII, else the next free one."""
    if state.frozen:
        raise pdfdoc.PDFError(f"Font {font_name} is already frozen, cannot add U+{char:04X}")
    subsets = state.subsets
    if char in PRINTABLE:
        subsets[0][char] = char
        state.assignments[char] = char
        return char
    code = state.nextCode
    while True:
        low = code & 0xFF
        if code < 256 and (low == SPACE or low in PRINTABLE):
            code = PRINTABLE.stop  # subset 0: skip past space and printable ASCII
        elif code >= 256 and low == 0:
            subsets.append([0])  # every further subset starts with .notdef
            code += 1
        elif code >= 256 and low == SPACE:
            subsets[code >> 8].append(SPACE)
            code += 1
        else:
            break
    subset = subsets[code >> 8]
    if low < len(subset):
        subset[low] = char
    else:
        subset.append(char)
    state.nextCode = code + 1
    state.assignments[char] = code
    return code


def subset_tag(face_name: str, subset: list[int]) -> str:
    """Six capital letters from the face and the characters its subset holds.

    The same subset of the same face always gets the same tag (the same inputs give
    the same bytes); different faces or subsets get different tags.
    """
    digest = hashlib.sha256(f"{face_name}:{subset}".encode()).digest()
    return "".join(string.ascii_uppercase[byte % 26] for byte in digest[:6])
