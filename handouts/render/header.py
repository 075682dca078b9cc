"""The header band's clinic name and logo tile: how large the name prints, on how many
lines, in the room the logo and the website leave; and the warning when it had to
shrink to the floor size or be cut (``handouts check`` and every build say it)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, pairwise
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from handouts.content.models import Brand
from handouts.render.logo import fitted_width
from handouts.render.theme import PAPER_EDGE, Theme

LOGO_INSET = 1.2 * mm  # white around the logo on its tile
LOGO_TILES = 3  # a wide logo's tile is at most this many squares wide
NAME_GAP = 4 * mm  # between the logo tile and the name
# Office printers leave the outer 4-5 mm of a sheet blank: the logo stays inside it. Its
# white tile may reach closer to the edge (white on white paper, nothing is lost).
PRINTER_EDGE = 5 * mm
LOGO_PLATE = 13.2 * mm  # the logo's white tile: its height (and a square's width)
WEBSITE_GAP = 6 * mm  # the least room between the name and the website
NAME_LEADING = 1.15
MAX_NAME_LINES = 2
NAME_FLOOR = 10.0  # points: the clinic's name never prints smaller (it is cut with "…")
ONE_LINE_SHRINK = 0.85  # a name shrunk this far still reads as the header's size


def _name_size(lines: list[str], font: str, size: float, width: float, height: float) -> float:
    """The largest size up to ``size`` at which ``lines`` fit a ``width`` by ``height`` box."""
    widest = max(stringWidth(line, font, size) for line in lines) or 1.0
    return min(size, size * width / widest, height / (len(lines) * NAME_LEADING))


def _cut(line: str, font: str, size: float, width: float) -> str:
    """``line`` ended with "…" where it would be wider than ``width``."""
    if stringWidth(line, font, size) <= width:
        return line
    while line and stringWidth(line.rstrip() + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _splits(words: list[str], count: int) -> Iterator[list[str]]:
    """Every way to set ``words`` on ``count`` lines."""
    for cuts in combinations(range(1, len(words)), count - 1):
        bounds = (0, *cuts, len(words))
        yield [" ".join(words[a:b]) for a, b in pairwise(bounds)]


def fit_name(
    name: str,
    font: str,
    size: float,
    min_size: float,
    width: float,
    height: float,
    max_lines: int = MAX_NAME_LINES,
) -> tuple[float, list[str]]:
    """Size and lines for the clinic's name in a ``width`` by ``height`` box of the header.

    One line at ``size``, or a little smaller; else the largest size up to two lines
    allow (then the fewest, most even lines); never below ``min_size``, where a line
    still too wide ends with "…".
    """
    one_line = _name_size([name], font, size, width, height)
    if one_line >= size * ONE_LINE_SHRINK:
        return one_line, [name]
    words = name.split()
    options = [[name]]
    options += [lines for count in range(2, max_lines + 1) for lines in _splits(words, count)]

    def rank(lines: list[str]) -> tuple[float, int, float]:
        fitted = _name_size(lines, font, size, width, height)
        return fitted, -len(lines), -max(stringWidth(line, font, fitted) for line in lines)

    best = max(options, key=rank)
    fitted = _name_size(best, font, size, width, height)
    if fitted >= min_size:
        return fitted, best
    return min_size, [_cut(line, font, min_size, width) for line in best]


def logo_tile_width(logo: Path, plate: float = LOGO_PLATE) -> float:
    """The logo's white tile: ``plate`` high, as wide as a wide logo (a wordmark) needs at
    that height, up to LOGO_TILES squares, rather than shrunk into a square."""
    used = fitted_width(logo, LOGO_TILES * plate - 2 * LOGO_INSET, plate - 2 * LOGO_INSET)
    return max(plate, used + 2 * LOGO_INSET)


def running_plate(theme: Theme) -> float:
    """The logo's tile in the running head: centred on the name's line, 0.5 mm above the
    rule under it."""
    line_middle = PAPER_EDGE + (theme.running_height - PAPER_EDGE - 2 * mm) / 2
    return 2 * (theme.running_height - 0.5 * mm - line_middle)


def name_room(
    theme: Theme,
    brand: Brand,
    logo: Path | None,
    width: float,
    running: bool = False,
    website: bool = True,
) -> tuple[float, ...]:
    """Left, right and height of the room for the clinic's name in a page's header band
    (``running``: the running head of the pages after the first), ``width`` wide: after the
    logo's tile, before the website (if ``website``). Its text keeps PAPER_EDGE from the
    top edge, like all text, and 2 mm above the band's foot."""
    plate = running_plate(theme) if running else LOGO_PLATE
    band = theme.running_height if running else theme.header_height
    left = theme.margin + (logo_tile_width(logo, plate) + NAME_GAP if logo else 0.0)
    right = width - theme.margin
    if brand.website and website:
        font = theme.fonts.font_for_run(brand.website)
        right -= stringWidth(brand.website, font, theme.small_size + 1) + WEBSITE_GAP
    return left, right, band - PAPER_EDGE - 2 * mm


def fitted_name(
    theme: Theme, brand: Brand, logo: Path | None, width: float | None = None
) -> tuple[float, list[str]]:
    """The size and lines the clinic's name prints at in page one's header band (see
    :func:`fit_name`), on a page ``width`` wide (the paper's)."""
    left, right, height = name_room(theme, brand, logo, width or theme.paper[0])
    font = theme.fonts.font_for_run(brand.name, bold=True)
    return fit_name(brand.name, font, theme.body_size * 1.35, NAME_FLOOR, right - left, height)


def running_name(
    theme: Theme, brand: Brand, logo: Path | None, width: float
) -> tuple[float, list[str], bool]:
    """The clinic's name in the running head, on one line at the body's size, and whether
    the website shows beside it: only beside the whole name (page one shows both; on A5
    a long name was cut to "Northside Physiotherapy & Spo…")."""
    font = theme.fonts.font_for_run(brand.name, bold=True)

    def fitted(website: bool) -> tuple[float, list[str]]:
        left, right, height = name_room(theme, brand, logo, width, True, website)
        return fit_name(brand.name, font, theme.body_size, NAME_FLOOR, right - left, height, 1)

    if brand.website:
        size, lines = fitted(website=True)
        if lines == [brand.name]:
            return size, lines, True
    return (*fitted(website=False), False)


def name_warning(theme: Theme, brand: Brand, logo: Path | None, where: str = "") -> str | None:
    """What to tell a clinic whose name had to shrink to the floor size, or was cut
    (``where``: " on A5 pages", say)."""
    size, lines = fitted_name(theme, brand, logo)
    if size > NAME_FLOOR:
        return None
    cut = " ".join(lines) != " ".join(brand.name.split())
    shown = " / ".join(lines)
    return (
        f"brand {brand.name!r}: the clinic's name prints at {NAME_FLOOR:g} pt{where}, the "
        "smallest the header allows"
        + (f', and is cut to fit two lines ("{shown}")' if cut else "")
        + "; a shorter name (or a narrower logo, or no website) prints larger"
    )
