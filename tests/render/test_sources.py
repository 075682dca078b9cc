"""Sources: last in the handout, DOIs as links."""

from __future__ import annotations

from handout_pdf import (
    Built,
    build,
    link_uris,
    norm,
)

from handouts.build import DEFAULT_PROGRAMME, Builder
from handouts.compose import Selection

# -- page one --


def test_sources_come_last_before_the_tracking_sheet(default: Built) -> None:
    (level, title, page), tracking = default.outline[-2:]
    assert (level, title) == (0, "Sources") and tracking[1] == "Tracking sheet"
    assert page < tracking[2] and page >= len(default.pages) - 2
    last = " ".join(default.pages[page - 1 : tracking[2] - 1])
    for source in default.handout.sources:
        assert norm(source.title) in last, source.id


def test_source_dois_are_clickable_links(builder: Builder) -> None:
    built = build(builder, Selection(DEFAULT_PROGRAMME, sections=["references"]))
    dois = [source.doi for source in built.handout.sources if source.doi]
    assert dois
    uris = link_uris(built.reader)
    for doi in dois:
        assert f"https://doi.org/{doi}" in uris
