"""The batch's print file is written one handout at a time (issue "Hardening", item 13).

The proof runs in a child process whose address space is capped with
``resource.setrlimit``: the handouts together are larger than the cap, so a print file
made in memory (as pypdf's writer makes one) cannot be written there at all.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest_pdf import make_pdf
from pypdf import PdfReader

from handouts.deliver.print_file import Entry, Spool, write_print_file
from handouts.post import merge, protect

QPDF = shutil.which("qpdf")

HANDOUTS = 48
MIB = 1 << 20
BUDGET = 32 * MIB  # twice what the child needs once warmed up; the handouts are 48 MiB

CAPPED = textwrap.dedent(
    f"""
    import os, resource, sys
    from pathlib import Path

    from handouts.deliver.print_file import Entry, Spool, write_print_file
    import handouts.post.concat, handouts.post.merge  # everything imported before the cap

    def handout(number):
        '''A one-page PDF holding 1 MiB of incompressible image data.'''
        pixels = os.urandom({MIB})
        objects = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /XObject << /Im 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length 30 >>\\nstream\\nq 100 0 0 100 50 50 cm /Im Do Q\\nendstream",
            b"<< /Type /XObject /Subtype /Image /Width 1024 /Height 1024 /ColorSpace "
            b"/DeviceGray /BitsPerComponent 8 /Length %d >>\\nstream\\n" % len(pixels)
            + pixels + b"\\nendstream",
        ]
        out, offsets = bytearray(b"%PDF-1.7\\n"), []
        for index, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\\n" % index + body + b"\\nendobj\\n"
        start = len(out)
        out += b"xref\\n0 6\\n0000000000 65535 f \\n"
        out += b"".join(b"%010d 00000 n \\n" % offset for offset in offsets)
        out += b"trailer\\n<< /Size 6 /Root 1 0 R >>\\nstartxref\\n%d\\n%%%%EOF\\n" % start
        return bytes(out)

    folder = Path(sys.argv[1])
    spool = Spool(folder)
    for index in range({HANDOUTS}):
        spool.add(index, handout(index))  # to disk: the spool holds none of them in memory
    entries = [Entry(i, f"Row {{i + 2}}", f"h{{i + 2}}") for i in range({HANDOUTS})]
    # One small print file first: what a first use loads (pypdf's parts, AES) is not
    # what the cap is about.
    write_print_file(folder / "warm.pdf", spool, entries[:2], duplex=True, password=sys.argv[2])
    used = int(next(
        line.split()[1] for line in open("/proc/self/status") if line.startswith("VmSize:")
    )) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (used + {BUDGET}, used + {BUDGET}))
    try:
        bytearray({HANDOUTS} * {MIB})  # the handouts at once: more than the cap allows
    except MemoryError:
        print("cap holds", flush=True)
    pages = write_print_file(
        folder / "print.pdf", spool, entries, duplex=True, password=sys.argv[2]
    )
    print(pages, flush=True)
    """
)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc for the cap")
def test_a_print_file_larger_than_memory_is_written_under_a_cap(tmp_path: Path) -> None:
    password = "clinic"  # encrypted object by object, as it is written
    result = subprocess.run(
        [sys.executable, "-c", CAPPED, str(tmp_path), password],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["cap", "holds", str(2 * HANDOUTS)]  # duplex: one blank each
    path = tmp_path / "print.pdf"
    assert path.stat().st_size > HANDOUTS * MIB
    reader = PdfReader(path)
    assert reader.is_encrypted and reader.decrypt(password)
    assert len(reader.pages) == 2 * HANDOUTS
    assert [item.title for item in reader.outline[:3]] == ["Row 2", "Row 3", "Row 4"]


def test_the_print_file_keeps_fields_bookmarks_and_shares_what_handouts_share(
    tmp_path: Path,
) -> None:
    """The same handout under two prefixes: its pages' contents are stored once."""
    handout = make_pdf(3, label="H", checkboxes=["done"], textfields=["note"])
    spool = Spool(tmp_path)
    spool.add(0, handout)
    spool.add(1, protect.encrypt(handout, "pw"))
    entries = [Entry(0, "Ann", "h2"), Entry(1, "Ben", "h3", password="pw")]
    pages = write_print_file(tmp_path / "p.pdf", spool, entries, duplex=True, password="")
    data = (tmp_path / "p.pdf").read_bytes()
    assert pages == 8  # 3 + blank, 3 + blank
    assert len(data) < 1.6 * len(handout)
    assert sorted(merge.field_names(data)) == ["h2.done", "h2.note", "h3.done", "h3.note"]
    reader = PdfReader(tmp_path / "p.pdf")
    assert [item.title for item in reader.outline] == ["Ann", "Ben"]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, 4]
    if QPDF:
        check = subprocess.run([QPDF, "--check", str(tmp_path / "p.pdf")], capture_output=True)
        assert check.returncode == 0, check.stdout[-2000:]
