"""Streams that repeat from one handout to the next are compressed once."""

from __future__ import annotations

import datetime as dt
import zlib

import pytest

from handouts.build import DEFAULT_PROGRAMME, Builder, Request
from handouts.compose import Selection
from handouts.content.models import Patient
from handouts.render import compact
from handouts.render.compact import RepeatedFlate

DATE = dt.date(2026, 12, 1)


def test_repeated_flate_gives_zlibs_bytes_and_compresses_each_content_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bytes] = []
    original = zlib.compress

    def counting(data: bytes, *args: object) -> bytes:
        calls.append(data)
        return original(data, *args)

    monkeypatch.setattr(compact.zlib, "compress", counting)
    flate = RepeatedFlate(keep=2)
    for text in ("q 1 0 0 1 0 0 cm Q", b"q 1 0 0 1 0 0 cm Q", "0 g 10 10 m"):
        assert flate.decode(flate.encode(text)) == (
            text if isinstance(text, bytes) else text.encode()
        )
        assert flate.encode(text) == original(text if isinstance(text, bytes) else text.encode())
    assert calls == [b"q 1 0 0 1 0 0 cm Q", b"0 g 10 10 m"]
    flate.encode("third")  # keeps two: the oldest is compressed again when it comes back
    flate.encode(b"q 1 0 0 1 0 0 cm Q")
    assert calls[-1] == b"q 1 0 0 1 0 0 cm Q" and len(calls) == 4


def test_a_second_patient_compresses_no_figure_header_or_font_again(
    builder: Builder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def handout(name: str) -> bytes:
        request = Request(Selection(DEFAULT_PROGRAMME), Patient(name=name), date=DATE)
        return builder.build(request)[1]

    handout("Ann Lee")
    compressed: list[bytes] = []
    original = zlib.compress

    def counting(data: bytes, *args: object) -> bytes:
        compressed.append(data)
        return original(data, *args)

    monkeypatch.setattr(compact.zlib, "compress", counting)
    pdf = handout("Lee Ann")  # the same letters: the same font subsets
    forms = pdf.count(b"/Subtype /Form")
    assert forms > 10
    # Per patient: page one, its footer, the page total, the small objects other than the
    # structure tree's (fonts, metadata), the cross-reference stream.
    assert len(compressed) <= 5
