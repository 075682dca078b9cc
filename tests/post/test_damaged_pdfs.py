"""Damaged and hostile PDFs given to impose, --attach and send: a one-line error naming
the file, or an output qpdf finds sound; never a traceback."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest_pdf import make_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handouts.cli import main

QPDF = shutil.which("qpdf")
GOOD = make_pdf(3, label="Consent", checkboxes=["agree"])


def _replace(pattern: bytes, new: bytes, count: int = 1):  # noqa: ANN202
    return lambda pdf: re.sub(pattern, new, pdf, count=count)


DAMAGE = {  # each a class of damage the sweep found tracebacks for
    "truncated-10": lambda pdf: pdf[: len(pdf) // 10],
    "truncated-60": lambda pdf: pdf[: len(pdf) * 6 // 10],
    "no-xref": lambda pdf: pdf[: pdf.rfind(b"xref")],
    "startxref-garbage": _replace(rb"startxref\s+\d+", b"startxref\n999999999"),
    "zero-mediabox": _replace(rb"/MediaBox \[[^\]]*\]", b"/MediaBox [ 0 0 0 0 ]", 0),
    "huge-mediabox": _replace(rb"/MediaBox \[[^\]]*\]", b"/MediaBox [ 0 0 1e308 1e308 ]", 0),
    "text-mediabox": _replace(rb"/MediaBox \[[^\]]*\]", b"/MediaBox [ /a /b /c /d ]", 0),
    "huge-count": _replace(rb"/Count \d+", b"/Count 999999999999"),
    "kids-not-a-list": _replace(rb"/Kids \[[^\]]*\]", b"/Kids 7"),
    "encrypt-v9": _replace(
        rb"trailer\s*<<", b"trailer\n<< /Encrypt << /Filter /Standard /V 9 /R 9 >>"
    ),
    "content-bytes-flipped": lambda pdf: (
        pdf[:900] + bytes(b ^ 0x5A for b in pdf[900:1400]) + pdf[1400:]
    ),
    "not-a-pdf": lambda pdf: b"%PDF-1.4\nthis is not a pdf\n%%EOF\n",
    "empty": lambda pdf: b"",
    "html": lambda pdf: b"<html><body>not a pdf</body></html>",
}


def qpdf_ok(path: Path) -> bool:
    return subprocess.run([QPDF, "--check", path], capture_output=True).returncode in (0, 3)


def assert_one_line_or_sound(result, output: Path, name: str) -> None:  # noqa: ANN001
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert output.exists() and qpdf_ok(output), f"{output} fails qpdf --check"
    else:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and name in lines[0], lines
        assert not output.exists()


pytestmark = pytest.mark.skipif(QPDF is None, reason="qpdf not installed")


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_impose_a_damaged_pdf(tmp_path: Path, damage) -> None:  # noqa: ANN001
    source = tmp_path / "in.pdf"
    source.write_bytes(damage(GOOD))
    output = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["impose", "--booklet", str(source), "-o", str(output)])
    assert_one_line_or_sound(result, output, str(source))


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_attach_a_damaged_pdf(tmp_path: Path, damage) -> None:  # noqa: ANN001
    extra = tmp_path / "consent.pdf"
    extra.write_bytes(damage(GOOD))
    output = tmp_path / "out.pdf"
    command = ["build", "--section", "recovery", "--attach", str(extra), "-o", str(output)]
    result = CliRunner().invoke(main, command)
    assert_one_line_or_sound(result, output, str(extra))


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_send_a_damaged_pdf(tmp_path: Path, damage) -> None:  # noqa: ANN001
    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(damage(GOOD))
    command = ["send", str(pdf), "--to", "sam@example.org", "--patient", "Sam", "--dry-run"]
    result = CliRunner().invoke(main, command)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if result.exit_code != 0:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), lines


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, len(GOOD) - 1), st.integers(1, 64), st.binary(max_size=8)),
        min_size=1,
        max_size=4,
    )
)
def test_fuzz_impose_and_attach_give_an_error_or_a_sound_pdf(
    tmp_path: Path, cuts: list[tuple[int, int, bytes]]
) -> None:
    pdf = GOOD
    for start, length, new in cuts:
        pdf = pdf[:start] + new + pdf[start + length :]
    source = tmp_path / "in.pdf"
    source.write_bytes(pdf)
    for command, output in (
        (["impose", "--booklet", str(source)], tmp_path / "booklet.pdf"),
        (["build", "--section", "recovery", "--attach", str(source)], tmp_path / "built.pdf"),
    ):
        output.unlink(missing_ok=True)
        result = CliRunner().invoke(main, [*command, "-o", str(output)])
        assert_one_line_or_sound(result, output, str(source))
