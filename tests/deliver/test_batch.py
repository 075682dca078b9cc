"""The batch driver's pieces: settings, fingerprints, logs, the report and the pool (no handouts
are rendered here)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest_pdf import make_pdf, reader, texts_left_to_right

from handouts.compose import Options
from handouts.deliver import batch
from handouts.deliver.roster import read_roster
from handouts.errors import HandoutsError
from handouts.post import finish, impose, merge

ROSTERS = Path(__file__).parents[1] / "fixtures" / "rosters"
SAFE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in range(10)
}


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --------------------------------------------------------------------------- jobs


def settings(tmp_path: Path, **changes: object) -> batch.Settings:
    return batch.Settings(out_dir=tmp_path, roster_dir=tmp_path, **changes)  # type: ignore[arg-type]


def test_row_values_win_over_batch_options(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "patient,programme,level,password\nA,,,\nB,home-no-gym,3,own\n")
    rows = read_roster(path).rows
    jobs = batch.make_jobs(
        rows, settings(tmp_path, programme="achilles-eccentric", level=2, password="pw")
    )
    assert [(j.programme, j.level, j.password) for j in jobs] == [
        ("achilles-eccentric", 2, "pw"),
        ("home-no-gym", 3, "own"),
    ]


def test_fingerprints_follow_the_output_but_message_keys_only_the_row(tmp_path: Path) -> None:
    rows = read_roster(write(tmp_path, "r.csv", "patient,email\nAnn,ann@example.org\n")).rows
    (plain,) = batch.make_jobs(rows, settings(tmp_path))
    (booklet,) = batch.make_jobs(
        rows, settings(tmp_path, booklet=True, options=Options(fillable=True))
    )
    assert plain.fingerprint != booklet.fingerprint  # --resume must rebuild
    assert plain.message_key == booklet.message_key  # but must not e-mail again
    other = read_roster(write(tmp_path, "r.csv", "patient,email\nAnn,ann@other.example\n")).rows
    assert batch.make_jobs(other, settings(tmp_path))[0].message_key != plain.message_key
    assert plain.message_key == "ann.5a30402585baa3b9"  # the key earlier versions logged


def test_message_keys_do_not_depend_on_the_rows_around(tmp_path: Path) -> None:
    sam_a = "Sam Lee,sam.a@example.org,home-no-gym\n"
    sam_b = "Sam Lee,sam.b@example.org,achilles-eccentric\n"
    first = write(tmp_path, "a.csv", "patient,email,programme\n" + sam_a + "Ann,a@b.org,x\n")
    later = write(tmp_path, "b.csv", "patient,email,programme\nAnn,a@b.org,x\n" + sam_b + sam_a)
    before = {j.email: j for j in batch.make_jobs(read_roster(first).rows, settings(tmp_path))}
    after = {j.email: j for j in batch.make_jobs(read_roster(later).rows, settings(tmp_path))}
    assert (before["sam.a@example.org"].name, after["sam.a@example.org"].name) == (
        "sam-lee.pdf",
        "sam-lee-2.pdf",
    )
    assert before["sam.a@example.org"].message_key == after["sam.a@example.org"].message_key
    assert after["sam.b@example.org"].message_key != after["sam.a@example.org"].message_key


@pytest.mark.parametrize(("names", "prepared"), [("Ann\nЯрослава\n", True), ("Ann\nZoë\n", False)])
def test_fallback_font_is_prepared_once_here_before_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: str, prepared: bool
) -> None:
    # Instancing it takes half a minute on a cold cache; each worker would do it again.
    calls: list[tuple[object, ...]] = []
    made: list[object] = []
    monkeypatch.setattr(
        batch, "Worker", lambda settings, app: made.append(app) or SimpleNamespace(builder="b")
    )
    monkeypatch.setattr(
        batch, "prepare_fallback_font", lambda *args: calls.append(("prepare", os.getpid()))
    )

    def execute(todo: object, jobs: int, **kwargs: Any) -> None:
        before = len(made)  # a Worker made here already, for the fonts
        kwargs["local"]()  # the worker for a run without a pool: that one, or a new one
        calls.append(("execute", jobs, before == 1 and len(made) == 1))

    monkeypatch.setattr(batch.pool, "execute", execute)
    rows = read_roster(write(tmp_path, "r.csv", "patient\n" + names)).rows
    batch.run(rows, settings(tmp_path / "out"), jobs=2)
    expected = [("prepare", os.getpid())] if prepared else []
    assert calls == [*expected, ("execute", 2, prepared)]


def test_preparing_fonts_says_so_only_when_it_keeps_the_batch_waiting(
    builder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from handouts.render import fonts

    notices: list[str] = []
    noticed = threading.Event()

    class ColdCache:
        @property
        def fallback(self) -> None:
            assert noticed.wait(10)  # still instancing when the notice is due

    def notice(text: str) -> None:
        notices.append(text)
        noticed.set()

    monkeypatch.setattr(fonts, "load_fonts", lambda family, dirs: ColdCache())
    batch.prepare_fallback_font(builder, None, notice, after=0)
    assert notices == [batch.FONT_NOTICE]

    monkeypatch.setattr(fonts, "load_fonts", lambda family, dirs: SimpleNamespace(fallback=1))
    batch.prepare_fallback_font(builder, None, notice, after=60)
    assert notices == [batch.FONT_NOTICE]  # a warm cache: nothing to say


def test_built_log_ignores_a_line_cut_short(tmp_path: Path) -> None:
    log = tmp_path / batch.BUILT_LOG
    batch._append_built_log(log, "ann.pdf", "0123456789abcdef")
    with open(log, "a") as handle:
        handle.write("ben.pdf\t0123")  # killed mid-write
    batch._append_built_log(log, "cat.pdf", "fedcba9876543210")
    assert batch._read_built_log(log) == {
        "ann.pdf": "0123456789abcdef",
        "cat.pdf": "fedcba9876543210",
    }


def test_report_is_written_atomically_and_removed_when_clean(tmp_path: Path) -> None:
    report = batch.Report(tmp_path)
    report.add(batch.RowOutcome(0, "3", "Zoë", batch.Status.FAILED, 'unknown programme "x"'))
    path = report.write_csv()
    assert path == tmp_path / batch.REPORT_NAME
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets then show the accents
    assert path.read_text(encoding="utf-8-sig").splitlines() == [
        "row,patient,reason",
        '3,Zoë,"unknown programme ""x"""',
    ]
    assert batch.Report(tmp_path).write_csv() is None
    assert not path.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no .part file left behind


# --------------------------------------------------------------------------- post-processing


def test_finish_pdf_attaches_imposes_and_encrypts_in_order() -> None:
    handout = make_pdf(3, label="H", checkboxes=["done"])
    extra = make_pdf(2, label="X", checkboxes=["done"])
    pdf, notes = finish.finish_pdf(handout, attachments=[extra], field_prefix="h7")
    assert notes == []
    assert [" ".join(texts_left_to_right(p)) for p in reader(pdf).pages] == [
        "H1",
        "H2",
        "H3",
        "X1",
        "X2",
    ]
    assert sorted(merge.field_names(pdf)) == ["h7.a1.done", "h7.done"]

    booklet, notes = finish.finish_pdf(handout, attachments=[extra], booklet=True, password="pw")
    assert notes == [impose.IMPOSE_NOTE]  # the handout had form fields
    opened = reader(booklet)
    assert opened.is_encrypted and opened.decrypt("pw")
    assert len(opened.pages) == 4  # 5 pages → 8 → 2 sheets, 4 sides
    width, height = (float(v) for v in opened.pages[0].mediabox[2:])
    assert width > height


def test_read_attachments_names_the_bad_file(tmp_path: Path) -> None:
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    # Worded in terms of the input; the command line says "--attach" (tests/cli).
    with pytest.raises(HandoutsError, match=r"^attachment .*missing.pdf: No such file") as error:
        merge.read_attachments([tmp_path / "missing.pdf"])
    assert error.value.subject == "attachment"
    with pytest.raises(HandoutsError, match=r"^attachment .*bad.pdf: cannot read the PDF") as bad:
        merge.read_attachments([tmp_path / "bad.pdf"])
    assert bad.value.subject == "attachment"


WATCHED_CHILD = """
import os, sys, time
from handouts.deliver.pool import exit_with_parent

child = os.fork()
if child == 0:
    exit_with_parent(os.getppid(), every=0.05)
    time.sleep(30)  # a worker waiting for rows
    os._exit(0)
print(child, flush=True)
os._exit(0)  # the batch killed: no clean-up runs
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie has exited already


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to see the worker")
def test_a_worker_leaves_when_the_batch_is_killed() -> None:
    import subprocess
    import sys
    import time

    out = subprocess.run([sys.executable, "-c", WATCHED_CHILD], capture_output=True, text=True)
    worker = int(out.stdout)
    deadline = time.monotonic() + 5
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)
