"""Fonts made once and cached on disk: variable fonts instanced, print copies unhinted."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont as FTFont


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "handouts" / "fonts"


def open_font(path: Path, lazy: bool | None = None) -> FTFont:
    from fontTools.ttLib import TTFont  # only when a font file is read, not on every build

    return TTFont(path, lazy=lazy)


def family_name(font: FTFont) -> str:
    name = font["name"]
    return str(name.getDebugName(16) or name.getDebugName(1) or "")


def instance(path: Path, weight: int, style: str, label: str, ranges=None) -> Path:
    """A static instance of a variable font, cached by source file and weight."""
    # "named": see _name_face
    target = _cached_font_path(path, f"{label}-{weight}-{style}", weight, ranges, "named")
    if target.exists():
        return target
    from fontTools.varLib import instancer

    font = open_font(path)
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
        font = open_font(path)
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
    family = "".join(ch for ch in family_name(font) if ch.isalnum()) or "Font"
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = f"{family}-{face or 'Regular'}"
