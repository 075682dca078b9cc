"""One figure as a file (.pdf, .svg, .png), and a contact sheet of many for review.

PNGs are painted with Pillow at three times the size and scaled down, so edges are
smooth without a PDF rasteriser.
"""

from __future__ import annotations

import io

from reportlab.pdfgen.canvas import Canvas

from handouts.content.figure import Figure
from handouts.render.figures import draw_figure, figure_picture, fitted_size
from handouts.render.figures.paint import LINES, Style, passes, svg_text
from handouts.render.figures.shapes import Path as ShapePath

SUFFIXES = (".pdf", ".svg", ".png")
SUPERSAMPLE = 3


def figure_file_bytes(
    figure: Figure, suffix: str, style: Style, width: float, mirror: bool = False
) -> bytes:
    """One figure as the bytes of a .pdf, .svg or .png file."""
    suffix = suffix.lower()
    pic = figure_picture(figure, mirror)
    if suffix == ".svg":
        data = svg_text(pic, style, width).encode()
    elif suffix == ".png":
        data = png_bytes(figure, style, width, mirror)
    elif suffix == ".pdf":
        w, h = fitted_size(pic, width, 10_000)
        buffer = io.BytesIO()
        canv = Canvas(buffer, pagesize=(w + 20, h + 20), invariant=1)
        canv.setTitle(pic.alt)
        draw_figure(canv, figure, 10, 10, w, h, style, mirror)
        canv.showPage()
        canv.save()
        data = buffer.getvalue()
    else:
        raise ValueError(f"a figure file ends in {', '.join(SUFFIXES)}, not {suffix or 'nothing'}")
    return data


def _flatten(path: ShapePath, to_px, steps: int = 8) -> list[list[tuple[float, float]]]:
    """Polylines of ``path`` in pixels (each M starts a new one)."""
    lines: list[list[tuple[float, float]]] = []
    here = (0.0, 0.0)
    for command in path:
        name = command[0]
        if name == "M":
            here = command[1:3]
            lines.append([to_px(here)])
        elif name == "L":
            here = command[1:3]
            lines[-1].append(to_px(here))
        elif name == "C":
            (x0, y0), (x1, y1, x2, y2, x3, y3) = here, command[1:]
            for i in range(1, steps + 1):
                t = i / steps
                a, b, c, d = (1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3
                lines[-1].append(
                    to_px((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
                )
            here = (x3, y3)
        elif name == "Z" and lines:
            lines[-1].append(lines[-1][0])
    return lines


def png_bytes(figure: Figure, style: Style, width: float, mirror: bool = False) -> bytes:
    from PIL import Image, ImageDraw

    pic = figure_picture(figure, mirror)
    x0, y0, x1, y1 = pic.box
    margin = 4
    scale = (width - 2 * margin) / (x1 - x0) * SUPERSAMPLE
    size = (round(width * SUPERSAMPLE), round(((y1 - y0) * scale) + 2 * margin * SUPERSAMPLE))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)

    def to_px(point: tuple[float, float]) -> tuple[float, float]:
        return (
            (point[0] - x0) * scale + margin * SUPERSAMPLE,
            (y1 - point[1]) * scale + margin * SUPERSAMPLE,
        )

    def rgb(colour: tuple[float, float, float]) -> tuple[int, int, int]:
        return tuple(round(c * 255) for c in colour)  # type: ignore[return-value]

    def stroke(shape, width_units: float) -> None:
        w = max(1, round(width_units * scale))
        for line in _flatten(shape.path, to_px):
            draw.line(line, fill=rgb(style.strokes[shape.role]), width=w, joint="curve")
            r = w / 2
            for x, y in (line[0], line[-1]):
                draw.ellipse((x - r, y - r, x + r, y + r), fill=rgb(style.strokes[shape.role]))

    def fill(shape) -> None:
        for line in _flatten(shape.path, to_px):
            if len(line) > 2:
                draw.polygon(line, fill=rgb(style.fills[shape.role]))

    for kind, shapes in passes(pic.shapes):
        if kind == "merged":
            for shape in shapes:
                if not shape.clip:
                    stroke(shape, style.widths[shape.role] * 2)
            for shape in shapes:
                if shape.clip:  # the trunk strip: fill its clip's part of the trunk
                    mask = Image.new("L", size, 0)
                    mask_draw = ImageDraw.Draw(mask)
                    for line in _flatten(shape.clip, to_px):
                        mask_draw.polygon(line, fill=255)
                    layer = Image.new("L", size, 0)
                    layer_draw = ImageDraw.Draw(layer)
                    for line in _flatten(shape.path, to_px):
                        layer_draw.polygon(line, fill=255)
                    from PIL import ImageChops

                    image.paste(rgb(style.fills[shape.role]), mask=ImageChops.multiply(mask, layer))
                else:
                    fill(shape)
            continue
        for shape in shapes:
            if shape.role not in LINES:
                fill(shape)
            if shape.role in style.strokes:
                stroke(shape, style.widths[shape.role])
    image = image.resize((size[0] // SUPERSAMPLE, size[1] // SUPERSAMPLE), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def brand_style(brand: object | None, mono: bool) -> Style:
    """The figure style for a brand's colours (``None``: the default brand's), or mono."""
    from handouts.content.models import Brand
    from handouts.render.figures.paint import colour_style, mono_style

    if mono:
        return mono_style()
    brand = brand or Brand(name="default")

    def rgb(hex_colour: str) -> tuple[float, float, float]:
        return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]

    return colour_style(rgb(brand.primary), rgb(brand.accent))


def sheet_items(library: object) -> list[tuple[str, Figure]]:
    """Every exercise's figures, each once, labelled "id · levels" for the contact sheet."""
    items = []
    for exercise_id, exercise in sorted(library.exercises.items()):  # type: ignore[attr-defined]
        shown: list[tuple[Figure, list[int]]] = []
        for level in exercise.levels:
            figure = exercise.figure_at(level.level)
            if figure is None:
                continue
            if shown and shown[-1][0] is figure:
                shown[-1][1].append(level.level)
            else:
                shown.append((figure, [level.level]))
        for figure, levels in shown:
            span = f"level {levels[0]}" if len(levels) == 1 else f"levels {levels[0]}–{levels[-1]}"
            items.append((f"{exercise_id} · {span}", figure))
    return items


def contact_sheet(items: list[tuple[str, Figure]], style: Style, columns: int = 4) -> bytes:
    """A PDF page (or pages) of figures with their labels, for review at a glance."""
    from reportlab.lib.pagesizes import A4, landscape

    buffer = io.BytesIO()
    page_w, page_h = landscape(A4)
    canv = Canvas(buffer, pagesize=(page_w, page_h), invariant=1)
    canv.setTitle("Exercise figures")
    cell_w, cell_h = (page_w - 40) / columns, 175
    rows = int((page_h - 40) // cell_h)
    for index, (label, figure) in enumerate(items):
        slot = index % (columns * rows)
        if index and slot == 0:
            canv.showPage()
        col, row = slot % columns, slot // columns
        x, y = 20 + col * cell_w, page_h - 20 - (row + 1) * cell_h
        draw_figure(canv, figure, x + 6, y + 22, cell_w - 12, cell_h - 30, style)
        canv.setFont("Helvetica", 7)
        canv.drawString(x + 6, y + 10, label[:70])
    canv.showPage()
    canv.save()
    return buffer.getvalue()
