"""``handouts batch``, ``impose``, ``send`` and the new ``build`` options, end to end.

Handouts are really built (0.1–0.5 s each), so rosters are small and most runs
use ``--jobs 1``. Mail goes to an aiosmtpd server on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import csv
import email
import io
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from conftest_pdf import make_pdf, texts_left_to_right
from fake_clock import FakeTime
from pypdf import PdfReader

import handouts
from handouts.cli.app import main
from handouts.deliver import mail, mail_settings
from handouts.post import impose, merge, protect

ROSTERS = Path(__file__).parents[1] / "fixtures" / "rosters"
DATE = "2026-03-02"
FAST = "inner-calf-circuit"  # 12 pages, the quickest built-in programme
SENDER = "Riverside Physio <desk@riverside.example>"
DEMO_CLINIC = "Riverside Physio & Running Clinic"  # the built-in demo brand
CLINIC_WORKSPACE = Path(__file__).parents[1] / "fixtures" / "workspace" / "handouts.yaml"
CLINIC = "Riverside Physio"  # its brand
DEMO_WARNING = (
    f'the demo brand ("{DEMO_CLINIC}", a made-up clinic); for your own, set brand: in '
    "handouts.yaml or give --brand FILE|ID (`handouts init DIR` makes a starter)"
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in [
        *mail_settings.ENV_KEYS.values(),
        mail_settings.PASSWORD_ENV,
        "HANDOUTS_NO_BUILTIN",
    ]:
        monkeypatch.delenv(name, raising=False)


def run(*args: str | Path, env: dict[str, str] | None = None):  # noqa: ANN201 - click Result
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def batch(roster: Path, out: Path, *args: str | Path, env: dict[str, str] | None = None):  # noqa: ANN201
    return run("batch", roster, "--out-dir", out, "--date", DATE, *args, env=env)


def roster(tmp_path: Path, text: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def report(out: Path) -> list[dict[str, str]]:
    with open(out / "batch-report.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def pdfs(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("*.pdf"))


def pages(path: Path, password: str | None = None) -> list:  # noqa: ANN001
    reader = PdfReader(path)
    if password is not None:
        assert reader.decrypt(password)
    return list(reader.pages)


def text_of(page) -> str:  # noqa: ANN001 - a pypdf page
    return " ".join(texts_left_to_right(page))


# --------------------------------------------------------------------------- rows and reports


def test_mixed_roster_builds_good_rows_and_reports_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = batch(ROSTERS / "mixed.csv", out, "--jobs", "1")
    assert result.exit_code == 1
    # Both "Sam Lee" rows get their own file; the bad rows' names stay reserved.
    assert pdfs(out) == ["sam-lee-2.pdf", "sam-lee.pdf", "zoe-lukasiewicz.pdf"]
    for name in pdfs(out):
        assert merge.is_valid_pdf(out / name)
    assert report(out) == [  # spreadsheet rows: the header is row 1
        {
            "row": "4",
            "patient": "Bad Programme",
            "reason": 'unknown programme "no-such-programme"; see: handouts list programmes',
        },
        {
            "row": "5",
            "patient": "Bad Level",
            "reason": "level: 'x' is not a level (use a whole number from 1 to 20)",
        },
        {
            "row": "6",
            "patient": "",
            "reason": "patient: missing (every row needs the patient's name)",
        },
        {
            "row": "7",
            "patient": "Bad Start",
            "reason": "start: '2026-02-31' is not a date (use YYYY-MM-DD, e.g. 2026-03-02)",
        },
        {
            "row": "8",
            "patient": "Bad Brand",
            "reason": 'brand: no brand "missing-brand.yaml" in the library, and no brand YAML'
            " file of that name in the roster's or the working folder; give a brand id from"
            " `handouts list brands`",
        },
    ]
    lines = result.stderr.splitlines()
    assert "[8/8] built zoe-lukasiewicz.pdf" in lines
    assert any(
        line.endswith("failed row 5 (Bad Level): " + report(out)[1]["reason"]) for line in lines
    )
    assert "8 rows: 3 built, 0 skipped, 5 failed in " in result.stdout
    assert "handouts/s)" in result.stdout
    assert f"failed rows: {out / 'batch-report.csv'}" in result.stdout
    # The row's own values made it into the PDF.
    first = " ".join(text_of(p) for p in pages(out / "sam-lee.pdf")[:2])
    assert "Sam Lee" in first and "Keep the pace easy" in first


def test_unknown_column_is_one_line_and_nothing_is_built(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = batch(ROSTERS / "unknown-column.csv", out)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {ROSTERS / 'unknown-column.csv'}: unknown column "
        '"emial" (did you mean "email"?); rename or delete it (known columns: '
        "patient, email, programme, level, clinician, start, note, "
        "brand, password)\n"
    )
    assert not out.exists()


def test_unclosed_quote_stops_the_batch_before_anything_is_built(tmp_path: Path) -> None:
    text = (
        "patient,email,programme,note\nAnn,ann@example.org,home-no-gym,hi\n"
        'Bob,bob@example.org,home-no-gym,"Start slowly\n'
        "Cat,cat@example.org,home-no-gym,ok\nDan,dan@example.org,home-no-gym,ok\n"
    )
    path = roster(tmp_path, text)
    result = batch(path, tmp_path / "out", "--email", "--dry-run")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}:3: a quoted value starts on this line and is never closed; "
        'add the missing closing quote (")\n'
    )
    assert not (tmp_path / "out").exists()


def test_columns_it_does_not_use_are_ignored_with_one_warning(tmp_path: Path) -> None:
    path = roster(
        tmp_path, f"Patient,Email,Phone,Ticket,Programme\nAnn,ann@example.org,555,A1,{FAST}\n"
    )
    result = batch(path, tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f'warning: {path}: ignoring columns "phone", "ticket" (handouts does not use them)',
        "[1/1] built ann.pdf",
        f"warning: rows without a brand column carry {DEMO_WARNING}",
    ]


def test_impossible_date_in_a_yaml_roster_fails_its_row(tmp_path: Path) -> None:
    text = (
        f"- patient: Ann\n  programme: {FAST}\n  start: 2026-02-30\n"
        f"- patient: Bob\n  programme: {FAST}\n"
    )
    result = batch(roster(tmp_path, text, "feb.yaml"), tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 1
    assert pdfs(tmp_path / "out") == ["bob.pdf"]
    assert report(tmp_path / "out") == [
        {
            "row": "1",
            "patient": "Ann",
            "reason": "start: '2026-02-30' is not a date (use YYYY-MM-DD, e.g. 2026-03-02)",
        }
    ]


def test_semicolon_csv_with_bom_and_yaml_roster(tmp_path: Path) -> None:
    result = batch(ROSTERS / "bom-semicolon.csv", tmp_path / "csv", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert pdfs(tmp_path / "csv") == ["yaroslava-koval.pdf", "zoe-lukasiewicz.pdf"]
    assert not (tmp_path / "csv" / "batch-report.csv").exists()

    result = run("batch", ROSTERS / "roster.yaml", "--date", DATE, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert pdfs(tmp_path / "output" / "roster") == ["ann-okafor.pdf", "ben-muller.pdf"]  # default
    first = " ".join(text_of(p) for p in pages(tmp_path / "output/roster/ben-muller.pdf")[:2])
    assert "Ben Müller" in first and "Morning sessions: before work" in first


def test_worker_pool_builds_every_row(tmp_path: Path) -> None:
    names = ["Ann", "Ben", "Cat", "Dan"]
    path = roster(tmp_path, "patient,programme\n" + "".join(f"{n},{FAST}\n" for n in names))
    result = batch(path, tmp_path / "out", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert pdfs(tmp_path / "out") == ["ann.pdf", "ben.pdf", "cat.pdf", "dan.pdf"]
    for name in names:  # each worker built the right patient's handout into the right file
        assert name in text_of(pages(tmp_path / "out" / f"{name.lower()}.pdf")[0])
    lines = result.stderr.splitlines()[:-1]  # before the demo brand's warning: in finishing order
    assert sorted(line.split("] ")[1] for line in lines) == [
        f"built {n.lower()}.pdf" for n in names
    ]
    assert sorted(line.split("]")[0] for line in lines) == [f"[{i}/4" for i in range(1, 5)]


def test_unexpected_exception_fails_only_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.deliver import worker

    real = worker.finish_pdf

    def explode(pdf: bytes, **kwargs: object) -> tuple[bytes, list[str]]:
        if kwargs["field_prefix"] == "h2":
            raise RuntimeError("disk on fire")
        return real(pdf, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "finish_pdf", explode)
    path = roster(tmp_path, f"patient,programme\nAnn,{FAST}\nBen,{FAST}\n")
    result = batch(path, tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 1
    assert pdfs(tmp_path / "out") == ["ben.pdf"]
    assert report(tmp_path / "out") == [
        {"row": "2", "patient": "Ann", "reason": "unexpected RuntimeError: disk on fire"}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duplex"], "--duplex works with --combine FILE"),
        (["--dry-run"], "--dry-run works with --email"),
        (["--jobs", "0"], "error: invalid value for '-j' / '--jobs'"),
        # The e-mail must be the reading-order handout, not the imposed print layout.
        (
            ["--email", "--dry-run", "--booklet"],
            "error: --email sends the handout to read on screen and --booklet makes a print "
            "layout; e-mail in a run without --booklet (and another --out-dir)",
        ),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = batch(ROSTERS / "roster.yaml", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("roster.csv", "that is the roster; choose a new .pdf file"),
        ("clinic.yaml", "that is a brand file of this batch; choose a new .pdf file"),
        ("consent.pdf", "that is an --attach file; choose a new .pdf file"),
        ("print.txt", "the print file's name must end in .pdf"),
        ("out/ann.pdf", "a handout of this batch has that name"),
    ],
)
def test_combine_never_overwrites_an_input(tmp_path: Path, target: str, message: str) -> None:
    path = roster(tmp_path, f"patient,programme,brand\nAnn,{FAST},clinic.yaml\n")
    (tmp_path / "clinic.yaml").write_text("name: Clinic\n")
    (tmp_path / "consent.pdf").write_bytes(make_pdf(1))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    args = ["--combine", tmp_path / target, "--attach", tmp_path / "consent.pdf"]
    result = batch(path, tmp_path / "out", *args)
    assert result.exit_code == 2
    assert result.stderr == f"error: --combine {tmp_path / target}: {message}\n"
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_missing_attachment_stops_the_batch_before_it_starts(tmp_path: Path) -> None:
    result = batch(ROSTERS / "roster.yaml", tmp_path / "out", "--attach", "consent.pdf")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: invalid value for '--attach': file 'consent.pdf' does not exist"
    )
    assert not (tmp_path / "out").exists()


def test_unknown_programme_option_is_one_line(tmp_path: Path) -> None:
    result = batch(ROSTERS / "roster.yaml", tmp_path / "out", "--programme", "home-no-gmy")
    assert result.exit_code == 2
    assert (
        result.stderr
        == 'error: --programme: unknown programme "home-no-gmy" (did you mean "home-no-gym"?)\n'
    )


# --------------------------------------------------------------------------- resume


def test_resume_keeps_valid_pdfs_and_rebuilds_truncated_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = roster(tmp_path, f"patient,programme,level\nAnn,{FAST},\nBen,{FAST},x\nCat,{FAST},\n")
    assert batch(path, out, "--jobs", "1").exit_code == 1
    assert pdfs(out) == ["ann.pdf", "cat.pdf"]
    assert [row["patient"] for row in report(out)] == ["Ben"]

    ann = (out / "ann.pdf").stat()
    data = (out / "cat.pdf").read_bytes()
    (out / "cat.pdf").write_bytes(data[: len(data) // 2])  # as if cut short by a crash
    path.write_text(path.read_text().replace(",x\n", ",2\n"))  # Ben's row fixed
    result = batch(path, out, "--jobs", "1", "--resume")
    assert result.exit_code == 0, result.output
    assert "[1/3] skipped ann.pdf (already built)" in result.stderr
    assert "3 rows: 2 built, 1 skipped, 0 failed" in result.stdout
    assert (out / "ann.pdf").stat().st_mtime_ns == ann.st_mtime_ns  # untouched
    assert all(merge.is_valid_pdf(out / name) for name in ["ann.pdf", "ben.pdf", "cat.pdf"])
    assert not (out / "batch-report.csv").exists()  # a clean run removes the stale report


def test_resume_rebuilds_when_the_row_or_options_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = roster(tmp_path, f"patient,programme\nAnn,{FAST}\nBen,{FAST}\n")
    assert batch(path, out, "--jobs", "1").exit_code == 0
    # Rows swapped: the names stay with the row order, so each file must be rebuilt
    # for its new patient rather than kept (it would be the other patient's handout).
    path.write_text(f"patient,programme\nAnn,achilles-eccentric\nBen,{FAST}\n")
    result = batch(path, out, "--jobs", "1", "--resume")
    assert "1 built, 1 skipped" in result.stdout
    assert "Achilles" in " ".join(text_of(p) for p in pages(out / "ann.pdf")[:1])
    result = batch(path, out, "--jobs", "1", "--resume", "--ink-saver")
    assert "2 built, 0 skipped" in result.stdout


def test_killed_batch_leaves_no_truncated_pdf_and_resume_completes_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = [f"Patient {n:02d}" for n in range(1, 13)]
    path = roster(tmp_path, "patient,programme\n" + "".join(f"{n},{FAST}\n" for n in names))
    env = {**os.environ, "PYTHONPATH": str(Path(handouts.__file__).resolve().parent.parent)}
    args = [sys.executable, "-m", "handouts", "batch", str(path), "--out-dir", str(out)]
    args += ["--jobs", "1", "--fillable", "--date", DATE]
    process = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while not list(out.glob("*.pdf")) and time.monotonic() < deadline:
            assert process.poll() is None, "the batch ended before writing anything"
            time.sleep(0.005)
        assert list(out.glob("*.pdf")), "no PDF within 30 s"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    written = list(out.glob("*.pdf"))
    assert 1 <= len(written) < len(names)
    assert all(merge.is_valid_pdf(p) for p in written)  # only complete PDFs; .part files may stay
    assert all(p.name.startswith(".") for p in out.glob("*.part"))

    result = batch(path, out, "--jobs", "1", "--fillable", "--resume")
    assert result.exit_code == 0, result.output
    assert pdfs(out) == [f"patient-{n:02d}.pdf" for n in range(1, 13)]
    assert all(merge.is_valid_pdf(out / name) for name in pdfs(out))
    # Every PDF written before the kill is kept, except perhaps the last one if the kill
    # came between writing it and recording it in built.log (it is then rebuilt).
    skipped = int(result.stdout.split(" built, ")[1].split(" skipped")[0])
    assert len(written) - 1 <= skipped <= len(written)


# --------------------------------------------------------------------------- print shop


@pytest.fixture(scope="module")
def consent_form(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attach") / "consent.pdf"
    path.write_bytes(make_pdf(1, label="CONSENT", textfields=["name", "signature"]))
    return path


def test_combine_duplex_attach_and_passwords(tmp_path: Path, consent_form: Path) -> None:
    out = tmp_path / "out"
    text = (
        "patient,programme,password\n"
        "Ann,soleus-strength-runners,\n"  # 17 pages + 1 attached: even
        f"Ben,{FAST},ben-secret\n"  # 12 + 1: odd, padded in the print file
        "Cat,achilles-eccentric,\n"  # 13 + 1: even
    )
    result = batch(
        roster(tmp_path, text), out, "--jobs", "1", "--fillable",
        "--attach", consent_form, "--combine", tmp_path / "print.pdf", "--duplex",
        "--combine-unencrypted",
    )  # fmt: skip
    assert result.exit_code == 0, result.output

    counts = []
    for name, password in [("ann.pdf", None), ("ben.pdf", "ben-secret"), ("cat.pdf", None)]:
        reader = PdfReader(out / name)
        assert reader.is_encrypted == (password is not None)
        assert merge.is_valid_pdf(out / name, password)
        if password:
            assert not reader.decrypt("wrong")
            assert reader.decrypt(password)
        assert text_of(reader.pages[-1]) == "CONSENT1"  # the attachment comes last
        counts.append(len(reader.pages))

    combined = PdfReader(tmp_path / "print.pdf")
    padded = [n + n % 2 for n in counts]
    assert len(combined.pages) == sum(padded)
    assert f"combined: {tmp_path / 'print.pdf'} ({sum(padded)} pages)" in result.stdout
    starts = [sum(padded[:i]) for i in range(len(padded))]
    for start, count, padded_count in zip(starts, counts, padded, strict=True):
        assert start % 2 == 0  # every handout begins on the front of a sheet
        assert text_of(combined.pages[start + count - 1]) == "CONSENT1"
        if padded_count > count:
            assert text_of(combined.pages[start + count]) == ""  # the blank back
    fields = merge.field_names((tmp_path / "print.pdf").read_bytes())
    assert len(fields) == len(set(fields))
    assert {name.split(".")[0] for name in fields} == {"h2", "h3", "h4"}  # by spreadsheet row
    assert {"h2.a1.signature", "h3.a1.signature", "h4.a1.signature"} <= set(fields)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<", ": cannot read the PDF"),
        ("encrypted", ": the PDF is protected by a password"),
    ],
)
def test_impose_errors_name_the_file(tmp_path: Path, content: bytes | str, problem: str) -> None:
    source = tmp_path / "fake.pdf"
    source.write_bytes(protect.encrypt(make_pdf(2), "pw") if content == "encrypted" else content)
    result = run("impose", source, "--booklet")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {source}{problem}")
    assert len(result.stderr.splitlines()) == 1


def test_booklet_batch_and_impose_command(tmp_path: Path, builder) -> None:  # noqa: ANN001
    import datetime as dt

    from handouts.build import Request
    from handouts.compose import Options, Selection
    from handouts.content.models import Patient

    _, plain = builder.build(
        Request(
            Selection(programme="achilles-eccentric"),
            Patient(name="Ann"),
            # A booklet is printed double-sided, and so is the full-size handout beside it:
            # its tracking sheet starts on a front (after a notes page where needed).
            options=Options(paper="", fillable=True, duplex=True),
            date=dt.date.fromisoformat(DATE),
        )
    )
    n = merge.page_count(plain)
    _, laid_out = builder.build(
        Request(
            Selection(programme="achilles-eccentric"),
            Patient(name="Ann"),
            options=Options(paper="", fillable=True, booklet=True),
            date=dt.date.fromisoformat(DATE),
        )
    )
    widths = [round(float(page.mediabox.width)) for page in PdfReader(io.BytesIO(laid_out)).pages]
    folded, full = widths.count(420), widths.count(595)  # A5 pages, the tracker's A4 pages
    out = tmp_path / "out"
    path = roster(tmp_path, "patient,programme\nAnn,achilles-eccentric\n")
    result = batch(
        path, out, "--jobs", "1", "--fillable", "--booklet", "--combine", tmp_path / "all.pdf"
    )
    assert result.exit_code == 0, result.output
    assert f"note: {impose.IMPOSE_NOTE}" in result.stderr
    assert len(pages(out / "ann.pdf")) == n  # the full-size handout is kept beside it
    for file in (out / "ann.booklet.pdf", tmp_path / "all.pdf"):
        sides = pages(file)
        assert len(sides) == math.ceil(folded / 4) * 2 + 2 * full  # a blank back each
        assert float(sides[0].mediabox.width) > float(sides[0].mediabox.height)  # landscape
        assert round(float(sides[0].mediabox.width)) == 842  # A4 landscape, A5 pages

    (tmp_path / "plain.pdf").write_bytes(plain)
    result = run("impose", tmp_path / "plain.pdf", "-o", tmp_path / "booklet.pdf", "--booklet")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{tmp_path / 'booklet.pdf'}\n"
    assert result.stderr == f"note: {impose.IMPOSE_NOTE}\n"  # it had fields and bookmarks
    assert len(pages(tmp_path / "booklet.pdf")) == math.ceil(n / 4) * 2

    (tmp_path / "simple.pdf").write_bytes(make_pdf(5))
    result = run("impose", tmp_path / "simple.pdf", "--booklet")
    assert result.exit_code == 0 and result.stderr == ""  # nothing lost: no note
    assert len(pages(tmp_path / "simple-booklet.pdf")) == 4
    assert run("impose", tmp_path / "simple.pdf").exit_code == 2  # no layout chosen


def test_build_attach_password_and_booklet(tmp_path: Path, consent_form: Path) -> None:
    base = ["build", FAST, "--patient", "Zoë", "--date", DATE]
    result = run(*base, "--attach", consent_form, "--password", "pw", "-o", "a.pdf")
    assert result.exit_code == 0, result.output
    reader = PdfReader("a.pdf")
    assert reader.is_encrypted and reader.decrypt("pw")
    assert text_of(reader.pages[-1]) == "CONSENT1"
    encryption = reader.trailer["/Encrypt"].get_object()
    assert (encryption["/V"], encryption["/CF"]["/StdCF"]["/CFM"]) == (5, "/AESV3")  # AES-256

    result = run(*base, "--booklet", "-o", "b.pdf")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"note: {impose.IMPOSE_NOTE}",  # bookmarks do not survive
        f"warning: this handout carries {DEMO_WARNING}",
    ]
    sides = pages(tmp_path / "b.pdf")
    assert float(sides[0].mediabox.width) > float(sides[0].mediabox.height)

    result = run(*base, "--attach", "nope.pdf")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "error: invalid value for '--attach': file 'nope.pdf' does not exist"
    )


def test_a_large_print_booklet_keeps_its_large_print(tmp_path: Path) -> None:
    """Laid out at A5 and imposed at 100 %: no note that the text shrinks."""
    result = run("build", FAST, "--date", DATE, "--large-print", "--booklet", "-o", "b.pdf")
    assert result.exit_code == 0, result.output
    assert "70 %" not in result.stderr and "smaller" not in result.stderr


def test_private_keeps_names_out_of_metadata(tmp_path: Path) -> None:
    path = roster(tmp_path, f"patient,programme\nZoë Łukasiewicz,{FAST}\n")
    assert batch(path, tmp_path / "out", "--jobs", "1", "--private").exit_code == 0
    metadata = PdfReader(tmp_path / "out" / "zoe-lukasiewicz.pdf").metadata or {}
    assert not any(
        "Zoë" in str(value) or "Łukasiewicz" in str(value) for value in metadata.values()
    )


# --------------------------------------------------------------------------- e-mail


class Collector:
    """aiosmtpd handler: keeps messages, refuses some recipients for good."""

    def __init__(self, reject: tuple[str, ...] = ()) -> None:
        self.reject = set(reject)
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: ANN001, N802
        if address in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [rcpt for rcpts, _ in self.messages for rcpt in rcpts]


@contextlib.contextmanager
def smtp_server(handler: Collector) -> Iterator[dict[str, str]]:
    """A real SMTP server on loopback; yields the HANDOUTS_SMTP_* settings to reach it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        yield {
            "HANDOUTS_SMTP_HOST": "127.0.0.1",
            "HANDOUTS_SMTP_PORT": str(port),
            "HANDOUTS_SMTP_SECURITY": "none",
            "HANDOUTS_SMTP_FROM": SENDER,
            "HANDOUTS_CONFIG": str(CLINIC_WORKSPACE),  # real e-mail refuses the demo brand
        }
    finally:
        controller.stop()


MAIL_ROSTER = (
    "patient,email,programme,password\n"
    f"Ann Okafor,ann@example.org,{FAST},\n"
    f"Ben Müller,ben@example.org,{FAST},ben-pw\n"
    f"Cat Jones,cat@example.org,{FAST},\n"
)


def test_bad_addresses_never_stop_a_handout(tmp_path: Path) -> None:
    text = (
        f"patient,email,programme\nAnn,ann@example.org,{FAST}\nBob,n/a,{FAST}\n"
        f'Cat,cat@gmail,{FAST}\nDee,"d@example.org; w@example.org",{FAST}\n'
    )
    path, out = roster(tmp_path, text), tmp_path / "out"
    result = batch(path, out, "--jobs", "1", "--combine", tmp_path / "print.pdf")
    assert result.exit_code == 0, result.output
    assert pdfs(out) == ["ann.pdf", "bob.pdf", "cat.pdf", "dee.pdf"]
    assert len(pages(tmp_path / "print.pdf")) == 4 * len(pages(out / "ann.pdf"))
    assert f"warning: {path}: rows 3, 4, 5: the email value is not one e-mail address" in (
        result.output
    )
    # With --email the same rows fail their message only; the print file still has them.
    result = batch(path, out, "--jobs", "1", "--email", "--dry-run", "--combine", "p2.pdf")
    assert result.exit_code == 1
    assert [(r["row"], r["reason"]) for r in report(out)] == [
        ("3", "e-mail not sent: email: 'n/a' is not an e-mail address"),
        ("4", "e-mail not sent: email: 'cat@gmail' is not an e-mail address"),
        ("5", "e-mail not sent: email: 'd@example.org; w@example.org' is more than one "
         "address; give exactly one"),
    ]  # fmt: skip
    assert len(pages(tmp_path / "p2.pdf")) == 4 * len(pages(out / "ann.pdf"))
    assert len(list((out / "outbox").glob("*.eml"))) == 1


def test_email_dry_run_writes_eml_files(tmp_path: Path, library) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    text = f"patient,email,programme\nAnn Okafor,ann@example.org,{FAST}\nNo Address,,{FAST}\n"
    result = batch(roster(tmp_path, text), out, "--jobs", "1", "--email", "--dry-run")
    assert result.exit_code == 1
    assert report(out) == [
        {
            "row": "3",
            "patient": "No Address",
            "reason": "e-mail not sent: email: no address (needed for --email)",
        }
    ]
    assert pdfs(out) == ["ann-okafor.pdf", "no-address.pdf"]  # built all the same
    (eml,) = (out / "outbox").glob("*.eml")
    assert eml.name.startswith("ann-okafor.")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "ann@example.org"
    title = library.programmes[FAST].title
    assert message["Subject"] == f"Your exercise programme from {DEMO_CLINIC}: {title}"
    assert "Hi Ann," in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == f"{title} - Ann Okafor.pdf"
    assert attachment.get_content() == (out / "ann-okafor.pdf").read_bytes()
    assert not (out / "sent.log").exists()  # nothing was sent
    assert "e-mail (dry run): 1 written" in result.stdout


def test_email_over_smtp_with_a_rejected_address_then_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    path = roster(tmp_path, MAIL_ROSTER)
    first = Collector(reject=("ben@example.org",))
    clock = FakeTime()  # the mailer's clock moves only when it sleeps: pacing is exact
    with smtp_server(first) as env, monkeypatch.context() as patch:
        patch.setattr(mail, "time", SimpleNamespace(monotonic=clock.clock, sleep=clock.sleep))
        result = batch(path, out, "--jobs", "1", "--email", "--rate", "120", env=env)
    assert result.exit_code == 1
    assert first.recipients() == ["ann@example.org", "cat@example.org"]
    assert clock.sleeps == [0.5, 0.5]  # 120 a minute: Ann, (Ben), Cat each 0.5 s apart
    for rcpts, message in first.messages:
        assert message["To"] == rcpts[0]
        (attachment,) = message.iter_attachments()
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_content().startswith(b"%PDF-")
    (row,) = report(out)
    assert (row["row"], row["patient"]) == ("3", "Ben Müller")
    assert row["reason"] == (
        "e-mail not sent: ben@example.org: rejected by the mail server: 550 5.1.1 No such user here"
    )
    assert pdfs(out) == ["ann-okafor.pdf", "ben-muller.pdf", "cat-jones.pdf"]  # Ben's PDF is fine
    assert "e-mail: 2 sent, 1 failed" in result.stdout

    second = Collector()  # the address was fixed at the server's end
    with smtp_server(second) as env:
        result = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)
    assert result.exit_code == 0, result.output
    assert second.recipients() == ["ben@example.org"]  # nobody gets a second copy
    assert "3 rows: 0 built, 3 skipped" in result.stdout
    assert "e-mail: 1 sent, 2 already sent, 0 failed" in result.stdout
    ((_, message),) = second.messages
    assert "password-protected" in message.get_body(("plain",)).get_content()  # Ben's PDF has one


def test_interrupted_email_batch_resumes_without_sending_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    path = roster(tmp_path, MAIL_ROSTER)
    real_send = mail.Mailer.send
    calls = []

    def send_then_interrupt(self, msg, key, **kwargs):  # noqa: ANN001, ANN003, ANN202
        calls.append(key)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second message goes out
        return real_send(self, msg, key, **kwargs)

    handler = Collector()
    with smtp_server(handler) as env:
        with monkeypatch.context() as patch:
            patch.setattr(mail.Mailer, "send", send_then_interrupt)
            result = batch(path, out, "--jobs", "1", "--email", env=env)
        assert result.exit_code == 130
        assert "rerun with --resume" in result.stderr
        assert handler.recipients() == ["ann@example.org"]
        assert pdfs(out) == ["ann-okafor.pdf", "ben-muller.pdf"]  # Cat was never reached

        result = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)
        assert result.exit_code == 0, result.output
        result = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)  # and again
        assert result.exit_code == 0, result.output
    assert sorted(handler.recipients()) == ["ann@example.org", "ben@example.org", "cat@example.org"]
    sent = [line for line in (out / "sent.log").read_text().splitlines() if line.endswith("\tsent")]
    assert [line.split("\t")[1] for line in sent] == [
        "ann@example.org",
        "ben@example.org",
        "cat@example.org",
    ]


def test_resume_never_resends_when_rows_with_the_same_name_move(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sam_a = f"Sam Lee,sam.a@example.org,{FAST}\n"
    first = Collector()
    with smtp_server(first) as env:
        path = roster(
            tmp_path, f"patient,email,programme\n{sam_a}Ann Bell,ann@example.org,{FAST}\n"
        )
        assert batch(path, out, "--jobs", "1", "--email", env=env).exit_code == 0
        # Another Sam Lee comes first: sam.a's row now builds sam-lee-2.pdf.
        path.write_text(f"patient,email,programme\nSam Lee,sam.b@example.org,{FAST}\n{sam_a}")
        second = Collector()
    with smtp_server(second) as env:
        result = batch(path, out, "--jobs", "1", "--email", "--resume", env=env)
    assert result.exit_code == 0, result.output
    assert first.recipients() == ["sam.a@example.org", "ann@example.org"]
    assert second.recipients() == ["sam.b@example.org"]
    assert "e-mail: 1 sent, 1 already sent, 0 failed" in result.stdout


def test_attachments_are_named_for_the_patient_never_with_a_number(
    tmp_path: Path,
    library,  # noqa: ANN001
) -> None:
    out = tmp_path / "out"
    text = f"patient,email,programme\nSam Lee,a@example.org,{FAST}\nSam Lee,b@example.org,{FAST}\n"
    result = batch(roster(tmp_path, text), out, "--jobs", "1", "--email", "--dry-run")
    assert result.exit_code == 0, result.output
    assert pdfs(out) == ["sam-lee-2.pdf", "sam-lee.pdf"]
    names = {
        attachment.get_filename()
        for eml in (out / "outbox").glob("*.eml")
        for attachment in email.message_from_bytes(
            eml.read_bytes(), policy=policy.default
        ).iter_attachments()
    }
    assert names == {f"{library.programmes[FAST].title} - Sam Lee.pdf"}


def test_send_of_a_protected_pdf_has_a_plain_subject(tmp_path: Path) -> None:
    pdf = tmp_path / "knee.pdf"
    pdf.write_bytes(protect.encrypt(make_pdf(2), "secret"))
    result = run("send", pdf, "--to", "ann@example.org", "--dry-run")
    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "outbox").glob("knee.*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == f"Your exercise programme from {DEMO_CLINIC}"
    body = message.get_body(("plain",)).get_content()
    assert f"Here is your exercise programme from {DEMO_CLINIC}.\n" in body
    assert "password-protected" in body


def test_email_needs_a_server_before_anything_is_built(tmp_path: Path) -> None:
    env = {"HANDOUTS_CONFIG": str(CLINIC_WORKSPACE)}
    result = batch(roster(tmp_path, MAIL_ROSTER), tmp_path / "out", "--email", env=env)
    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: no sender address: set smtp.from in handouts.yaml or HANDOUTS_SMTP_FROM\n"
    )
    assert not (tmp_path / "out").exists()


def test_send_command(tmp_path: Path, library) -> None:  # noqa: ANN001
    pdf = tmp_path / "knee.pdf"
    pdf.write_bytes(make_pdf(2))
    handler = Collector()
    with smtp_server(handler) as env:
        result = run(
            "send", pdf, "--to", "ann@example.org", "--patient", "Ann", "--programme", FAST, env=env
        )
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent knee.pdf to ann@example.org\n"
    ((rcpts, message),) = handler.messages
    assert rcpts == ["ann@example.org"]
    title = library.programmes[FAST].title
    assert message["Subject"] == f"Your exercise programme from {CLINIC}: {title}"
    assert "Hi Ann" in message.get_body(("plain",)).get_content()
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "knee.pdf"

    result = run("send", pdf, "--to", "ann@example.org", "--dry-run")
    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "outbox").glob("knee.*.eml")
    assert result.stdout == f"wrote {eml}\n"

    result = run("send", pdf, "--to", "not an address", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == "error: --to: 'not an address' is not an e-mail address\n"


def test_send_takes_exactly_one_address(tmp_path: Path) -> None:
    pdf = tmp_path / "knee.pdf"
    pdf.write_bytes(make_pdf(2))
    result = run("send", pdf, "--to", "ann@example.org; mum@example.org", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --to: 'ann@example.org; mum@example.org' is more than one address; "
        "give exactly one\n"
    )
    assert not (tmp_path / "outbox").exists()


def test_send_refuses_a_pdf_cut_short_without_pypdf_noise(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    whole = make_pdf(2)
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    with caplog.at_level(logging.WARNING):
        result = run("send", cut, "--to", "ann@example.org", "--dry-run")
        attach = batch(ROSTERS / "roster.yaml", tmp_path / "out", "--attach", cut)
    assert result.exit_code == 1
    assert result.stderr == f"error: {cut}: the PDF is incomplete or damaged; build it again\n"
    assert not (tmp_path / "outbox").exists()
    assert attach.exit_code == 1 and len(attach.stderr.splitlines()) == 1
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []


def test_an_empty_password_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    path = roster(tmp_path, f"patient,programme\nAnn,{FAST}\n")
    result = batch(path, tmp_path / "out", "--password", "")
    assert result.exit_code == 2
    assert "'--password': is empty" in result.output
    assert not (tmp_path / "out").exists()


def test_a_brand_id_works_for_the_whole_batch(tmp_path: Path) -> None:
    path = roster(tmp_path, f"patient,programme\nAnn,{FAST}\n")
    result = batch(path, tmp_path / "out", "--brand", "demo")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "ann.pdf").read_bytes().startswith(b"%PDF-")
