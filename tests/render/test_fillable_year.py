"""A year of daily sessions as a fillable handout: 52 weeks, 7 a week, about 4,700 fields.

It took 9.5 s of CPU and 306 MiB of address space (before that it crashed); the
checkbox looks are now drawn once and the fields' font set with qpdf. Built in a
fresh process under an address-space cap, so the memory a clinic's machine needs
is what is tested; the timeout only guards against a hang.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pypdf import PdfReader

CAP = 272 * 2**20  # bytes of address space: about 217 MiB is used, the old way 306 MiB

BUILD = textwrap.dedent(
    f"""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, ({CAP}, {CAP}))
    from handouts.cli.app import main
    main(["build", "--weeks", "52", "--sessions", "7", "--fillable",
          "--date", "2026-01-01", "-o", "year.pdf"])
    """
)


def test_a_year_of_daily_sessions_builds_fillable_within_a_memory_cap(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BUILD], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout == "year.pdf\n"
    reader = PdfReader(tmp_path / "year.pdf")
    fields = reader.get_fields()
    assert len(reader.pages) == 38  # 42 before the table's level lines; 40 with a card a page
    assert len(fields) == 4691
    # the last week's boxes are there, one per session, and the pain scores to type in
    assert {"pain-during.w52.s7", "pain-morning.w52.s7", "seated-soleus-raise.x.w52.s7"} <= set(
        fields
    )
    assert fields["pain-during.w52.s7"]["/FT"] == "/Tx"
