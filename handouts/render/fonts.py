"""Fonts registered with reportlab, and the markup that gives each character a face that has it.

The brand's family (found by :mod:`handouts.render.font_files`) is registered once per
process; Noto Sans is the fallback face for Greek, Cyrillic and other Latin letters the
brand face lacks.

Every font is a TTF that reportlab embeds as a subset: the built-in Helvetica
is never used, because it is not embedded and prints differently everywhere.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from handouts.errors import BrandError, RenderError
from handouts.render.font_cache import print_ready
from handouts.render.font_files import (
    FACES,
    UNREADABLE_FONT,
    FaceFiles,
    fallback_files,
    resolve_family,
    unreadable_fonts,
)

# Characters that never need a glyph: layout controls reportlab handles itself.
_IGNORED = {"\n", "\r", "\t", "\u00ad", "\u200b", "\ufeff"}


@dataclass
class RegisteredFamily:
    """A family registered with reportlab under project-specific names."""

    family: str
    names: dict[str, str]  # face -> reportlab font name
    cmap: frozenset[int] = field(repr=False)

    @property
    def regular(self) -> str:
        return self.names["regular"]

    @property
    def bold(self) -> str:
        return self.names["bold"]

    @property
    def italic(self) -> str:
        return self.names["italic"]

    def covers(self, char: str) -> bool:
        return ord(char) in self.cmap


def escape_markup(text: str) -> str:
    """``text`` made safe for Paragraph markup, as text or as a quoted attribute value.

    Not ``xml.sax.saxutils.escape``: importing it imports ``urllib.request``,
    ``http.client`` and ``ssl``, which a cold build would pay for.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;")


@cache
def _register(files: FaceFiles) -> RegisteredFamily:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    from handouts.render.ttf import PrintFont

    slug = "".join(ch for ch in files.family.title() if ch.isalnum())
    names: dict[str, str] = {}
    cmap: frozenset[int] = frozenset()
    for face in FACES:
        name = f"HO-{slug}-{face}"
        try:
            font = PrintFont(name, str(print_ready(files.face(face))))
        except Exception as error:  # noqa: BLE001 - fontTools and reportlab raise many kinds
            raise BrandError(f"font file {files.face(face)} cannot be used: {error}") from None
        pdfmetrics.registerFont(font)
        names[face] = name
        if face == "regular":
            cmap = frozenset(font.face.charToGlyph)
    # Map <b>/<i> inside Paragraph markup to the right faces.
    for bold, italic, face in (
        (0, 0, "regular"),
        (1, 0, "bold"),
        (0, 1, "italic"),
        (1, 1, "bolditalic"),
    ):
        addMapping(names["regular"], bold, italic, names[face])
    return RegisteredFamily(files.family, names, cmap)


@dataclass
class FontSet:
    """The brand face plus the fallback, with markup that switches between them."""

    main: RegisteredFamily
    _fallback: RegisteredFamily | None = None
    warnings: list[str] = field(default_factory=list)  # font files skipped, for the user

    @property
    def fallback(self) -> RegisteredFamily:
        # Loaded only when some text needs it: most handouts never do.
        if self._fallback is None:
            self._fallback = _register(fallback_files())
        return self._fallback

    def face_for(self, char: str) -> RegisteredFamily | None:
        if char in _IGNORED or self.main.covers(char):
            return self.main
        if self.fallback.covers(char):
            return self.fallback
        return None

    def check(self, text: str, where: str) -> None:
        """Raise a one-line error for the first character no face can draw."""
        for char in text:
            if self.face_for(char) is None:
                raise RenderError(
                    f"{where}: character {char!r} (U+{ord(char):04X}) cannot be printed "
                    "with the brand font or the fallback font; remove or replace it"
                )

    def markup(self, text: str, where: str = "text", face: str = "regular") -> str:
        """Escape user text for Paragraph markup, switching faces per character run.

        ``face`` is the face of the surrounding text ("bold" in a bold style or inside
        ``<b>``): a ``<font name>`` tag resets bold and italic, so fallback runs name it.
        """
        if self.main.cmap.issuperset(map(ord, text)):  # the common case: one face, no runs
            return escape_markup(text)
        self.check(text, where)
        out: list[str] = []
        run: list[str] = []
        run_face, script = self.main, ""
        for char in text:
            family = self.face_for(char) or self.main
            # Keep a word in one design: Atkinson has "π" but no other Greek letters, so
            # "Παπαδοπούλου" stays in the fallback; so do spaces between Cyrillic words.
            same_word = not char.isalpha() or _script(char) == script
            if run_face is not self.main and family is self.main and same_word:
                family = run_face if run_face.covers(char) else family
            if family is not run_face and run:
                out.append(self._wrap("".join(run), run_face, face))
                run = []
            run_face = family
            script = _script(char) if char.isalpha() else script
            run.append(char)
        if run:
            out.append(self._wrap("".join(run), run_face, face))
        return "".join(out)

    def _wrap(self, text: str, family: RegisteredFamily, face: str) -> str:
        escaped = escape_markup(text)
        if family is self.main:
            return escaped
        return f'<font name="{family.names[face]}">{escaped}</font>'

    def font_for_run(self, text: str, bold: bool = False) -> str:
        """The font name for a canvas drawString of ``text`` (no markup possible)."""
        family = self.main if all(self.main.covers(c) for c in text if c not in _IGNORED) else None
        if family is None:
            self.check(text, "text")
            family = self.fallback
        return family.bold if bold else family.regular


def _script(char: str) -> str:
    """The script of a letter ("GREEK", "CYRILLIC", "LATIN"), from its Unicode name."""
    return unicodedata.name(char, "").split(" ")[0]


def load_fonts(family: str, font_dirs: list[Path]) -> FontSet:
    fonts = FontSet(_register(resolve_family(family, font_dirs)))
    fonts.warnings = [f"font {path}: {UNREADABLE_FONT}" for path in unreadable_fonts(font_dirs)]
    return fonts
