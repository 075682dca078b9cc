"""impose on long files: progress as it goes, and a one-line refusal past the page cap."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pikepdf
from click.testing import CliRunner
from conftest_pdf import make_pdf

from handouts.cli import main
from handouts.post.impose import impose_booklet
from handouts.post.outside import MAX_PAGES


def many_pages(count: int) -> bytes:
    """``count`` pages sharing one page's content: small and quick to make."""
    page = pikepdf.open(io.BytesIO(make_pdf(1)))
    out = pikepdf.new()
    for _ in range(count):
        out.pages.append(page.pages[0])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def test_impose_reports_every_sheet_side_once() -> None:
    heard: list[tuple[int, int]] = []
    impose_booklet(make_pdf(10), lambda done, total: heard.append((done, total)))
    assert heard == [(n, 6) for n in range(1, 7)]  # 10 pages pad to 12: 6 sheet sides


def test_impose_shows_progress_for_a_long_file(tmp_path: Path) -> None:
    source = tmp_path / "long.pdf"
    source.write_bytes(many_pages(600))
    result = CliRunner().invoke(main, ["impose", "--booklet", str(source)])
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("imposing:")]
    assert progress == ["imposing: 250 of 300 sheet sides", "imposing: 300 of 300 sheet sides"]


def test_a_file_past_the_page_cap_is_refused_at_once(tmp_path: Path) -> None:
    source = tmp_path / "huge.pdf"
    source.write_bytes(many_pages(MAX_PAGES + 1))
    started = time.monotonic()
    result = CliRunner().invoke(main, ["impose", "--booklet", str(source)])
    assert time.monotonic() - started < 30  # an 83,300-page file ran past 600 s
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {source}: the PDF has {MAX_PAGES + 1:,} pages; at most {MAX_PAGES:,}"
    ]
