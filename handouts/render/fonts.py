"""Font resolution, registration and glyph coverage.

A brand names a family: either TTF files a clinic dropped into a ``fonts/``
folder, or an installed fontpkg family ("Atkinson Hyperlegible", "Lexend").
Variable fonts are instanced to static regular/bold/italic faces with fontTools
(cached on disk, since instancing takes seconds). Noto Sans is the fallback
face for Greek, Cyrillic and other Latin letters the brand face lacks.

Every font is a TTF that reportlab embeds as a subset: the built-in Helvetica
is never used, because it is not embedded and prints differently everywhere.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import BrandError, RenderError
from handouts.wording import closest

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont as FTFont

FALLBACK_FAMILY = "Noto Sans"
FACES = ("regular", "bold", "italic", "bolditalic")
_FACE_WEIGHT_STYLE = {
    "regular": (400, "normal"),
    "bold": (700, "normal"),
    "italic": (400, "italic"),
    "bolditalic": (700, "italic"),
}
# What the fallback face needs to cover: Latin, Greek, Cyrillic, punctuation.
# Subsetting before instancing makes the one-off instancing several times faster.
_FALLBACK_RANGES = [
    (0x20, 0x24F),
    (0x370, 0x3FF),
    (0x400, 0x52F),
    (0x1E00, 0x1FFF),
    (0x2000, 0x206F),
    (0x20A0, 0x20BF),
    (0x2100, 0x21FF),
]
# Characters that never need a glyph: layout controls reportlab handles itself.
_IGNORED = {"\n", "\r", "\t", "\u00ad", "\u200b", "\ufeff"}


@dataclass(frozen=True)
class FaceFiles:
    family: str
    files: tuple[Path, ...]  # static TTF paths in FACES order (hashable, so cacheable)

    def face(self, face: str) -> Path:
        return self.files[FACES.index(face)]


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


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "handouts" / "fonts"


def _open_font(path: Path, lazy: bool | None = None) -> FTFont:
    from fontTools.ttLib import TTFont  # only when a font file is read, not on every build

    return TTFont(path, lazy=lazy)


def _family_name(font: FTFont) -> str:
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


def _face_of(font: FTFont) -> str:
    weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    italic = bool(font["OS/2"].fsSelection & 1) if "OS/2" in font else False
    italic = italic or "italic" in str(font["name"].getDebugName(2) or "").lower()
    bold = weight >= 600
    return ("bold" if bold else "") + ("italic" if italic else "") or "regular"


UNREADABLE_FONT = "cannot read the font (damaged, or not a TrueType font); replace or remove it"


def _folder_fonts(dirs: list[Path]) -> Iterable[tuple[Path, FTFont | None]]:
    """Each TTF in the clinic's font folders, opened; None for a file that cannot be read.

    The name, cmap and OS/2 tables are read here: a truncated file fails now, not in
    the middle of a build.
    """
    for folder in dirs:
        for path in sorted(folder.glob("*.ttf")) if folder.is_dir() else []:
            try:
                font = _open_font(path, lazy=True)
                for tag in ("name", "cmap", "OS/2", "head", "hmtx"):
                    font[tag]  # noqa: B018 - reading the table is the check
                yield path, font
            except Exception:  # noqa: BLE001 - fontTools raises many kinds for a broken file
                yield path, None


def unreadable_fonts(dirs: list[Path]) -> list[Path]:
    """The TTF files in the clinic's font folders that no build can use: ``check`` lists them,
    a build carries on without them."""
    return [path for path, font in _folder_fonts(dirs) if font is None]


def _scan_font_dirs(dirs: list[Path], family: str) -> dict[str, Path]:
    """Static TTFs of ``family`` found in the clinic's font folders, by face."""
    found: dict[str, Path] = {}
    for path, font in _folder_fonts(dirs):
        if font is None or _family_name(font).casefold() != family.casefold():
            continue
        if "fvar" in font:
            for face in FACES:
                found.setdefault(face, _instance(path, *_FACE_WEIGHT_STYLE[face], face))
        else:
            found.setdefault(_face_of(font), path)
    return found


def _fontpkg_faces(family: str) -> dict[str, Path]:
    import fontpkg

    try:
        fam = fontpkg.family(family)
    except fontpkg.FontpkgError:
        return {}
    faces: dict[str, Path] = {}
    for face, (weight, style) in _FACE_WEIGHT_STYLE.items():
        styles = [style, "normal"] if style == "italic" else [style]
        for candidate in styles:
            try:
                chosen = fontpkg.select_file(fam, weight, candidate, True)
            except fontpkg.FontpkgError:
                continue
            faces[face] = (
                _instance(chosen.path, weight, candidate, fam.slug)
                if chosen.variable
                else chosen.path
            )
            break
    return faces


def _instance(path: Path, weight: int, style: str, label: str, ranges=None) -> Path:
    """A static instance of a variable font, cached by source file and weight."""
    # "named": see _name_face
    target = _cached_font_path(path, f"{label}-{weight}-{style}", weight, ranges, "named")
    if target.exists():
        return target
    from fontTools.varLib import instancer

    font = _open_font(path)
    if ranges:
        keep_only(font, [c for lo, hi in ranges for c in range(lo, hi + 1)])
    location = {"wght": weight}
    axes = {axis.axisTag: axis for axis in font["fvar"].axes}
    if "wdth" in axes:
        location["wdth"] = 100
    location = {tag: value for tag, value in location.items() if tag in axes}
    static = instancer.instantiateVariableFont(font, location)
    _name_face(static, weight, style)
    return _save_font(static, target)


def _cached_font_path(path: Path, label: str, *parts: object) -> Path:
    """Where a font derived from ``path`` is cached: named by its source and how it was made."""
    stat = path.stat()
    key = ":".join(str(part) for part in (path, stat.st_size, stat.st_mtime_ns, *parts))
    digest = hashlib.sha256(key.encode()).hexdigest()
    return cache_dir() / f"{label}-{digest[:12]}.ttf"


def _save_font(font: FTFont, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(partial)
    os.replace(partial, target)
    return target


# Names kept in print copies: copyright, family, style, unique ID, full name, version,
# PostScript name. Not the description, designer, vendor and licence URLs.
PRINT_NAME_IDS = [0, 1, 2, 3, 4, 5, 6]


def print_ready(path: Path) -> Path:
    """The font without hinting, cached on disk; the font itself if that cannot be made.

    Hinting instructions fit outlines to a screen's pixels; a printer at 600 dpi
    does not need them, and they are a third or more of every embedded subset.
    A font fontTools cannot rewrite, or a cache folder that cannot be written,
    only costs file size, so the original file is used then.
    """
    target = _cached_font_path(path, f"{path.stem}-print", "unhinted", PRINT_NAME_IDS)
    if target.exists():
        return target
    try:
        font = _open_font(path)
        # Every embedded subset copies the name table: keep its short English names.
        names = {"name_IDs": PRINT_NAME_IDS, "glyph_names": True}
        keep_only(font, font.getBestCmap(), hinting=False, **names)
        return _save_font(font, target)
    except Exception:  # noqa: BLE001 - fontTools and the file system raise many kinds
        return path


def keep_only(font: FTFont, unicodes: Iterable[int], **settings: object) -> None:
    """Subset ``font`` in place to ``unicodes``, keeping every layout feature and name."""
    import logging

    from fontTools import subset

    # It logs each table it cannot subset ("FFTM NOT subset"); the table is simply dropped.
    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    for name, value in settings.items():
        setattr(options, name, value)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _name_face(font: FTFont, weight: int, style: str) -> None:
    """Give an instance its own PostScript name ("NotoSans-Bold").

    Instances keep the variable font's default name, and reportlab treats fonts with
    the same PostScript name as one: every face would print as the first registered.
    """
    face = ("Bold" if weight >= 600 else "") + ("Italic" if style == "italic" else "")
    family = "".join(ch for ch in _family_name(font) if ch.isalnum()) or "Font"
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = f"{family}-{face or 'Regular'}"


def resolve_family(family: str, font_dirs: list[Path]) -> FaceFiles:
    """Find the four faces of ``family``; missing bold/italic reuse the regular face.

    Faces in the clinic's folders come first; an installed package gives the rest (a
    folder holding only the Bold face hid the installed family).
    """
    faces = _scan_font_dirs(font_dirs, family)
    if "regular" not in faces:
        faces = {**_fontpkg_faces(family), **faces}
    if "regular" not in faces:
        raise BrandError(missing_family_message(family, font_dirs))
    faces.setdefault("bold", faces["regular"])
    faces.setdefault("italic", faces["regular"])
    faces.setdefault("bolditalic", faces["bold"])
    return FaceFiles(family, tuple(faces[face] for face in FACES))


def missing_family_message(family: str, font_dirs: list[Path]) -> str:
    """Which package to install, into which environment; and the installed families close by.

    ``sys.executable -m pip`` installs into the environment handouts runs from, whether a
    virtual environment (activated or not) or pipx's own.
    """
    import difflib
    import shlex
    import sys

    import fontpkg

    installed = {fam.name for fam in fontpkg.families().values()} | _folder_families(font_dirs)
    installed_names = sorted(installed)
    typo = closest(family, installed_names, cutoff=0.8)
    if typo:
        return f'font family "{family}" not found; did you mean "{typo}" (installed)?'
    package = f"fontpkg-{fontpkg.slugify(family)}"
    where = ", ".join(str(d) for d in font_dirs) or "no fonts/ folder yet"
    message = (
        f'font family "{family}" not found: install the package {package} into the '
        f"environment handouts runs from ({sys.prefix}): "
        f"{shlex.quote(sys.executable)} -m pip install {package}; "
        f"or put its TTF files in a fonts/ folder ({where})"
    )
    close = difflib.get_close_matches(family, installed_names, n=3, cutoff=0.5)
    close += [n for n in installed_names if family.split()[-1].casefold() in n.casefold()]
    close = list(dict.fromkeys(close))  # "Open Sans" is near "Noto Sans" by its last word
    if close:
        return f"{message}; installed families close to it: {', '.join(close)}"
    return f"{message}; installed families: {', '.join(installed_names)}"


def _folder_families(dirs: list[Path]) -> set[str]:
    """The families of the TTF files in the clinic's font folders."""
    names = {_family_name(font) for _, font in _folder_fonts(dirs) if font is not None}
    return {name for name in names if name}


def _fallback_files() -> FaceFiles:
    import fontpkg

    fam = fontpkg.family(FALLBACK_FAMILY)
    files: dict[str, Path] = {}
    for face, (weight, style) in _FACE_WEIGHT_STYLE.items():
        chosen = fontpkg.select_file(fam, weight, style, True)
        files[face] = _instance(chosen.path, weight, style, fam.slug, ranges=_FALLBACK_RANGES)
    return FaceFiles(FALLBACK_FAMILY, tuple(files[face] for face in FACES))


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
            self._fallback = _register(_fallback_files())
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
