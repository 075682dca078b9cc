"""Where a brand's font family comes from: the clinic's fonts/ folders, a package, the fallback.

A brand names a family: either TTF files a clinic dropped into a ``fonts/``
folder, or an installed fontpkg family ("Atkinson Hyperlegible", "Lexend").
Variable fonts are instanced to static regular/bold/italic faces
(:mod:`handouts.render.font_cache`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from handouts.errors import BrandError
from handouts.render.font_cache import family_name, instance, open_font
from handouts.wording import closest

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont as FTFont

FALLBACK_FAMILY = "Noto Sans"
FACES = ("regular", "bold", "italic", "bolditalic")
FACE_WEIGHT_STYLE = {
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


@dataclass(frozen=True)
class FaceFiles:
    family: str
    files: tuple[Path, ...]  # static TTF paths in FACES order (hashable, so cacheable)

    def face(self, face: str) -> Path:
        return self.files[FACES.index(face)]


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
                font = open_font(path, lazy=True)
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
        if font is None or family_name(font).casefold() != family.casefold():
            continue
        if "fvar" in font:
            for face in FACES:
                found.setdefault(face, instance(path, *FACE_WEIGHT_STYLE[face], face))
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
    for face, (weight, style) in FACE_WEIGHT_STYLE.items():
        styles = [style, "normal"] if style == "italic" else [style]
        for candidate in styles:
            try:
                chosen = fontpkg.select_file(fam, weight, candidate, True)
            except fontpkg.FontpkgError:
                continue
            faces[face] = (
                instance(chosen.path, weight, candidate, fam.slug)
                if chosen.variable
                else chosen.path
            )
            break
    return faces


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

    installed = {fam.name for fam in fontpkg.families().values()} | folder_families(font_dirs)
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


def folder_families(dirs: list[Path]) -> set[str]:
    """The families of the TTF files in the clinic's font folders."""
    names = {family_name(font) for _, font in _folder_fonts(dirs) if font is not None}
    return {name for name in names if name}


def fallback_files() -> FaceFiles:
    import fontpkg

    fam = fontpkg.family(FALLBACK_FAMILY)
    files: dict[str, Path] = {}
    for face, (weight, style) in FACE_WEIGHT_STYLE.items():
        chosen = fontpkg.select_file(fam, weight, style, True)
        files[face] = instance(chosen.path, weight, style, fam.slug, ranges=_FALLBACK_RANGES)
    return FaceFiles(FALLBACK_FAMILY, tuple(files[face] for face in FACES))
