"""The tracker's L and R rows: the exercise's figure and its mirror, one form drawn twice."""

from __future__ import annotations

import io
import re

import pikepdf
from handout_pdf import Built, build
from pypdf import PdfReader

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Options, Selection
from handouts.render import grid_geometry
from handouts.render.theme import Theme

FIGURE_DO = re.compile(rb"([-\d.]+) 0 0 ([-\d.]+) [-\d.]+ [-\d.]+ cm\s*/(FormXob\.Fig\w+) Do")


def _tracker_draws(pdf: bytes) -> list[tuple[float, str]]:
    """(horizontal scale, form) of each figure the tracking sheet draws."""
    reader = PdfReader(io.BytesIO(pdf))
    page = next(p for p in reader.pages if "Tracking sheet" in p.extract_text())
    content = page.get_contents().get_data()
    return [(float(a), name.decode()) for a, _, name in FIGURE_DO.findall(content)]


def test_l_and_r_rows_draw_the_same_form_as_drawn_and_mirrored(default: Built) -> None:
    draws = _tracker_draws(default.pdf)
    mirrored = {name for scale, name in draws if scale < 0}
    plain = {name for scale, name in draws if scale > 0}
    assert mirrored, "no R row shows the mirrored figure"
    assert mirrored <= plain  # each mirror is the L row's (and the name's) form, flipped
    # No form of its own for a mirror: every figure form drawn once, wherever it is used.
    with pikepdf.open(io.BytesIO(default.pdf)) as pdf:
        forms = {
            name: obj.objgen
            for page in pdf.pages
            for name, obj in page.Resources.get("/XObject", {}).items()
            if "Fig" in name
        }
    assert all(f"/{name}" in forms for name in mirrored)
    assert len(set(forms.values())) == len(forms)


def test_side_figures_never_cost_the_tracker_a_week_across(builder: Builder, monkeypatch) -> None:
    def weeks_across(handout, theme: Theme) -> int:
        return grid_geometry.measure(theme, handout)[1]

    for options in (Options(), Options(large_print=True), Options(paper="letter")):
        built = build(builder, Selection(DEFAULT_PROGRAMME), options=options)
        theme = builder.theme(built.handout.brand, built.handout.logo, options)
        with_figures = weeks_across(built.handout, theme)
        monkeypatch.setattr(grid_geometry, "sided_figures", lambda handout: False)
        without = weeks_across(built.handout, theme)
        monkeypatch.undo()
        assert with_figures == without, options
