#!/usr/bin/env python3
"""Benchmark handouts: speed, size and memory, with targets and peer figures.

    python bench/run.py [--quick] [--json bench/results/latest.json]

Prints a table (figure, measured, target, PASS/MISS) and writes the same figures
as JSON. See bench/README.md for what each figure means. Uses only the standard
library plus pypdf (a handouts dependency); memory is read from /proc (Linux).

Every measurement that matters runs in a fresh child process, one at a time, so
figures do not leak into each other (imports, font registration, peak memory).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DEFAULT_JSON = BENCH_DIR / "results" / "latest.json"

PROGRAMME = "soleus-strength-runners"
# What any `handouts build` must import: a cold build cannot be quicker than this.
BUILD_LIBRARIES = ("click", "pydantic", "yaml", "jinja2", "markdown_it", "reportlab.platypus")
HANDOUT_DATE = dt.date(2026, 12, 1)  # fixed, so every run builds the same handouts

# Targets. "max" means the measured figure must be <= the value.
TARGETS = {
    "inproc_ms_median": 10.0,  # ms per personalised handout in a batch, with figures (#14)
    "cold_build_s": 0.180,  # `handouts build`, whole process
    "help_s": 0.060,  # `handouts --help`, whole process
    "batch_jobs2_1000_s": 12.0,  # 1,000 handouts with --jobs 2, wall
    "worker_peak_mb": 120.0,  # peak RSS of one batch worker
    "handout_kb": 35.0,  # the default handout
    "flat_ratio": 1.25,  # largest batch size vs 10: cost/memory may grow at most 25 %
    "web_preview_ms_median": 50.0,  # `handouts serve`: a warm preview, new patient, server time
    "figure_kb_max": 4.0,  # the largest exercise figure, compressed, as drawn in the PDF
    "figures_cold_ms": 50.0,  # solving and painting the default handout's figures, cold
    "tagging_bytes_ratio": 1.25,  # the default handout tagged vs untagged: at most +25 %
    "tagged_ms_median": 12.0,  # ms per personalised, tagged handout in a batch
}

# Reference figures from peers for the same 6-page handout (context only).
PEERS = [
    ("Typst", 27.0, 0.06),
    ("reportlab platypus (naive)", 51.0, 0.22),
    ("WeasyPrint", 600.0, 1.2),
]

FIRST = [
    "Sam",
    "Alex",
    "Maria",
    "Jun",
    "Olusegun",
    "Chloé",
    "Priya",
    "Tomasz",
    "Ngozi",
    "Liam",
    "Ana",
    "Mohammed",
    "Siobhan",
    "Kenji",
    "Fatima",
    "Lars",
    "Zoë",
    "Rafael",
]
LAST = [
    "Lee",
    "Moore",
    "García",
    "Okafor",
    "Nowak",
    "Kowalczyk",
    "Patel",
    "O'Brien",
    "Nakamura",
    "Haddad",
    "Johansson",
    "Silva",
    "Müller",
    "Dubois",
    "Khan",
    "Evans",
]


def patient_names(count: int, offset: int = 0) -> list[str]:
    """Deterministic, all-different names of varying length (Latin-1 accents included)."""
    names = []
    for i in range(offset, offset + count):
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        names.append(f"{first} {last} {i + 1}")
    return names


# --------------------------------------------------------------------------- stats and /proc


def percentile(values: list[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default method)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p90": percentile(values, 90),
        "mean": statistics.fmean(values),
        "min": min(values),
        "max": max(values),
    }


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmHWM / VmRSS (kB) of a process; empty if it is gone."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return out


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                kids += [int(p) for p in fh.read().split()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return kids


def _descendants(root: int) -> list[int]:
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for kid in _children(pid):
            found.append(kid)
            todo.append(kid)
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


class TreeSampler(threading.Thread):
    """Samples VmHWM/VmRSS of a process and all its descendants every ``interval`` s.

    VmHWM is the kernel's own peak-RSS counter for a process, so a sample only
    misses whatever a process adds in its last ``interval`` before it exits.
    """

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.peaks: dict[int, dict] = {}

    def sample(self) -> None:
        for pid in [self.root, *_descendants(self.root)]:
            status = proc_status(pid)
            if not status:
                continue
            entry = self.peaks.get(pid)
            if entry is None:
                entry = self.peaks[pid] = {"cmd": _cmdline(pid)[:160], "hwm_kb": 0, "rss_kb": 0}
            entry["hwm_kb"] = max(entry["hwm_kb"], status.get("VmHWM", 0))
            entry["rss_kb"] = max(entry["rss_kb"], status.get("VmRSS", 0))

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(self.interval)


# --------------------------------------------------------------------------- worker (child process)


def worker_inproc(count: int, rounds: int, settled: bool = False) -> dict:
    """Runs in a fresh interpreter: one warm-up handout, then ``rounds`` batches of ``count``.

    Each handout's CPU time (``time.process_time``: what the handout costs, whatever else
    the machine runs) and wall time. ``settled``: then one more round after what a
    batch's pool worker does after its first handout (``pool.settle``: ``gc.freeze``).
    """
    load_start = os.getloadavg()
    t0 = time.perf_counter()
    from handouts.build import Builder, Request
    from handouts.compose import Options, Selection
    from handouts.content.loader import load_library
    from handouts.content.models import Patient

    t1 = time.perf_counter()
    import handouts

    builder = Builder(load_library())
    t2 = time.perf_counter()
    selection, options = Selection(programme=PROGRAMME), Options()

    def one(name: str) -> tuple[float, float, int]:
        start, cpu = time.perf_counter(), time.process_time()
        request = Request(selection, Patient(name=name), options=options, date=HANDOUT_DATE)
        _, pdf = builder.build(request)
        return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, len(pdf)

    def batch(offset: int) -> dict:
        walls, cpus = [], []
        for name in patient_names(count, offset=offset):
            wall, cpu, size = one(name)
            walls.append(wall)
            cpus.append(cpu)
            sizes.append(size)
        return summary(walls) | {"cpu": summary(cpus)}

    first_ms, _, first_bytes = one("Warm Up")
    rss_after_first = proc_status().get("VmRSS", 0)
    sizes: list[int] = []
    results = [batch(r * count) for r in range(rounds)]
    out: dict = {}
    if settled:
        from handouts.deliver.pool import settle

        settle()
        out["settled"] = batch(rounds * count)
    status = proc_status()
    return out | {
        "count": count,
        "handouts_module": str(Path(handouts.__file__).parent),
        "rounds": results,
        "import_ms": (t1 - t0) * 1000,
        "load_library_ms": (t2 - t1) * 1000,
        "first_handout_ms": first_ms,
        "first_handout_bytes": first_bytes,
        "personalised_bytes": summary([float(s) for s in sizes]),
        "rss_after_first_kb": rss_after_first,
        "rss_end_kb": status.get("VmRSS", 0),
        "peak_rss_kb": status.get("VmHWM", 0),
        "loadavg": [load_start[0], os.getloadavg()[0]],
    }


def worker_figures() -> dict:
    """Runs in a fresh interpreter: what exercise figures cost a cold build, and their size.

    A cold ``handouts build`` solves and paints each figure of its programme once; that
    time is the build's growth from figures. A figure's size is its forms' content,
    compressed as in the PDF (the whole figure's, which draws its end pose's form, and
    the end pose's, which the table and the tracking sheet draw too), for every
    built-in figure.
    """
    import zlib

    from handouts.content.loader import load_library
    from handouts.render.figures import figure_picture, form_operators
    from handouts.render.figures.check import exercise_figures
    from handouts.render.figures.paint import colour_style, mono_style

    library = load_library()
    programme = library.programmes[PROGRAMME]
    used = {(e.exercise, e.level) for phase in programme.phases for e in phase.exercises}
    style = colour_style((0.12, 0.37, 0.55), (0.88, 0.48, 0.18))
    start, cpu = time.perf_counter(), time.process_time()
    handout_figures = {
        id(figure): figure
        for exercise_id, level in sorted(used)
        if (figure := library.exercises[exercise_id].figure_at(level)) is not None
    }

    def forms(figure: object, chosen: object) -> list[str]:
        whole = figure_picture(figure)
        if whole.pose is None:
            return [form_operators(whole, chosen)]
        pose = form_operators(whole.pose.picture, chosen)
        return [form_operators(whole, chosen, "FormXob.Fig000000000000"), pose]

    for figure in handout_figures.values():
        forms(figure, style)
    # CPU time: on a shared machine the wall time mostly measures the other processes.
    cold_ms = (time.process_time() - cpu) * 1000
    cold_wall_ms = (time.perf_counter() - start) * 1000
    sizes = {}
    start = time.perf_counter()
    for exercise in library.exercises.values():
        for field, figure in exercise_figures(exercise).items():
            for name, chosen in (("colour", style), ("mono", mono_style())):
                compressed = [zlib.compress(form.encode()) for form in forms(figure, chosen)]
                sizes[f"{exercise.id}:{field}:{name}"] = sum(map(len, compressed))
    all_ms = (time.perf_counter() - start) * 1000
    largest = max(sizes, key=sizes.get)
    return {
        "handout_figures": len(handout_figures),
        "cold_ms": cold_ms,
        "cold_wall_ms": cold_wall_ms,
        "all_figures": len(sizes) // 2,
        "all_ms": all_ms,
        "max_bytes": sizes[largest],
        "largest": largest,
        "mean_bytes": statistics.mean(sizes.values()),
    }


def run_figures(workdir: Path) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "figures"]
    done = subprocess.run(
        cmd, cwd=workdir, capture_output=True, text=True, timeout=600, env=child_env()
    )
    if done.returncode != 0:
        raise RuntimeError(f"figures worker failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker_tagging(count: int) -> dict:
    """Runs in a fresh interpreter: what tagging (PDF/UA-1) costs.

    The default handout's bytes, and ms per personalised handout in a batch, built
    tagged and untagged (``HandoutCanvas.tagged``, the switch that exists for this
    figure only). The two are built in turn, one handout each, so a busy machine
    slows both alike.
    """
    from handouts.build import Builder, Request
    from handouts.compose import Options, Selection
    from handouts.content.loader import load_library
    from handouts.content.models import Patient
    from handouts.render.canvas import HandoutCanvas

    library = load_library()
    builders = {tagged: Builder(library) for tagged in (False, True)}
    selection, options = Selection(programme=PROGRAMME), Options()

    def one(tagged: bool, patient: Patient) -> tuple[float, float, int]:
        HandoutCanvas.tagged = tagged
        start, cpu = time.perf_counter(), time.process_time()
        request = Request(selection, patient, options=options, date=HANDOUT_DATE)
        _, pdf = builders[tagged].build(request)
        return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000, len(pdf)

    sizes = {tagged: one(tagged, Patient())[2] for tagged in (False, True)}  # `handouts build`
    times: dict[bool, list[float]] = {False: [], True: []}
    cpus: dict[bool, list[float]] = {False: [], True: []}
    for name in patient_names(count):
        for tagged in (False, True):
            wall, cpu, _ = one(tagged, Patient(name=name))
            times[tagged].append(wall)
            cpus[tagged].append(cpu)
    HandoutCanvas.tagged = True
    return {
        "untagged_bytes": sizes[False],
        "tagged_bytes": sizes[True],
        "untagged_ms": summary(times[False]),
        "tagged_ms": summary(times[True]),
        "untagged_cpu_ms": summary(cpus[False]),
        "tagged_cpu_ms": summary(cpus[True]),
    }


def run_worker(
    count: int,
    rounds: int,
    workdir: Path,
    timeout: float,
    kind: str = "inproc",
    settled: bool = False,
) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--count",
        str(count),
        "--rounds",
        str(rounds),
        *(["--settled"] if settled else []),
    ]
    done = subprocess.run(
        cmd, cwd=workdir, capture_output=True, text=True, timeout=timeout, env=child_env()
    )
    if done.returncode != 0:
        raise RuntimeError(f"in-process worker failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- subprocess timing


def child_env() -> dict[str, str]:
    """Children import handouts from this checkout, whatever is installed in site-packages.

    (A non-editable ``pip install .`` elsewhere would otherwise make the benchmark
    measure a stale copy.)
    """
    env = dict(os.environ)
    # Cold-start figures assume bytecode is cached, as after any install (the untimed
    # first run of each command writes it).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def handouts_cmd() -> list[str]:
    """The ``handouts`` console script of this interpreter (not a pyenv/asdf shim)."""
    script = Path(sys.executable).parent / "handouts"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "handouts"]


def timed_runs(cmd: list[str], cwd: Path, repeat: int, warmups: int = 1) -> dict:
    times = []
    for i in range(warmups + repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=120, env=child_env())
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr.decode()[-2000:]}")
        if i >= warmups:
            times.append(elapsed)
    return summary(times) | {"runs_s": times}


# --------------------------------------------------------------------------- PDF size


def pdf_breakdown(path: Path) -> dict:
    """Total bytes; bytes of font programs (/FontFile2 etc.) and page contents, as stored."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(str(path))
    fonts: dict[int, dict] = {}
    ids = [(idnum, gen) for gen, table in reader.xref.items() for idnum in table]
    ids += [(idnum, 0) for idnum in getattr(reader, "xref_objStm", {})]
    for idnum, gen in ids:
        try:
            obj = reader.get_object(IndirectObject(idnum, gen, reader))
        except Exception:  # noqa: BLE001 - free/odd entries are skipped
            continue
        if not hasattr(obj, "get") or obj.get("/Type") != "/FontDescriptor":
            continue
        for key in ("/FontFile2", "/FontFile3", "/FontFile"):
            ref = obj.get(key)
            if ref is None:
                continue
            stream = ref.get_object()
            fonts[ref.idnum] = {
                "font": str(obj.get("/FontName", "?")),
                "kind": key[1:],
                "stored_bytes": len(stream._data),  # as written in the file (compressed)
                "decoded_bytes": len(stream.get_data()),
            }
    contents: dict[int, tuple[int, int, str]] = {}
    for page in reader.pages:
        refs = page.get("/Contents")
        refs = refs if isinstance(refs, list) else [refs] if refs is not None else []
        for ref in refs:
            stream = ref.get_object()
            contents[getattr(ref, "idnum", id(stream))] = (
                len(stream._data),
                len(stream.get_data()),
                str(stream.get("/Filter", "")),
            )
    total = path.stat().st_size
    font_bytes = sum(f["stored_bytes"] for f in fonts.values())
    content_bytes = sum(c[0] for c in contents.values())
    return {
        "bytes": total,
        "pages": len(reader.pages),
        "font_bytes": font_bytes,
        "font_share": font_bytes / total if total else 0.0,
        "fonts": sorted(fonts.values(), key=lambda f: -f["stored_bytes"]),
        "page_content_bytes": content_bytes,
        "page_content_decoded_bytes": sum(c[1] for c in contents.values()),
        "page_content_filters": sorted({c[2] for c in contents.values()}),
    }


# --------------------------------------------------------------------------- batch


def batch_available() -> tuple[bool, str]:
    try:
        done = subprocess.run(
            [*handouts_cmd(), "batch", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            env=child_env(),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, str(error)
    return done.returncode == 0, (done.stdout if done.returncode == 0 else done.stderr).strip()


def write_roster(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["patient"])
        for name in patient_names(rows):
            writer.writerow([name])


def run_batch(rows: int, jobs: int, workdir: Path, timeout: float) -> dict:
    """``handouts batch`` of ``rows`` rows, wall time plus per-process peak memory."""
    run_dir = workdir / f"batch-{rows}-j{jobs}"
    run_dir.mkdir()
    roster = run_dir / "roster.csv"
    write_roster(roster, rows)
    out_dir = run_dir / "out"
    cmd = [*handouts_cmd(), "batch", str(roster), "--jobs", str(jobs), "--out-dir", str(out_dir)]
    help_text = batch_help()
    if "--programme" in help_text:  # the roster has only a patient column
        cmd += ["--programme", PROGRAMME]
    if "--date" in help_text:
        cmd += ["--date", HANDOUT_DATE.isoformat()]
    stdout, stderr = (run_dir / "stdout.txt").open("wb"), (run_dir / "stderr.txt").open("wb")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=run_dir, stdout=stdout, stderr=stderr, env=child_env())
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        returncode = proc.wait(timeout=timeout)
    except BaseException:
        _kill_tree(proc)
        raise
    finally:
        wall = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        stdout.close()
        stderr.close()
    pdfs = list(out_dir.rglob("*.pdf")) if out_dir.exists() else []
    main = sampler.peaks.get(proc.pid, {"hwm_kb": 0, "rss_kb": 0, "cmd": ""})
    helpers = ("resource_tracker", "forkserver")
    others = {pid: p for pid, p in sampler.peaks.items() if pid != proc.pid}
    workers = {pid: p for pid, p in others.items() if not any(h in p["cmd"] for h in helpers)}
    # With --jobs 1 the batch may run in the main process: then it is the worker.
    worker_peaks = [p["hwm_kb"] for p in workers.values()] or [main["hwm_kb"]]
    result = {
        "rows": rows,
        "jobs": jobs,
        "command": " ".join(cmd),
        "returncode": returncode,
        "wall_s": wall,
        "pdfs_written": len(pdfs),
        "pdf_bytes_total": sum(p.stat().st_size for p in pdfs),
        "handouts_per_s": len(pdfs) / wall if wall else 0.0,
        "ms_per_handout": wall * 1000 / len(pdfs) if pdfs else float("nan"),
        "main_peak_rss_kb": main["hwm_kb"],
        "worker_processes": len(workers),
        "worker_peak_rss_kb": max(worker_peaks),
        "processes": {str(pid): p for pid, p in sampler.peaks.items()},
        "stdout_tail": (run_dir / "stdout.txt").read_text(errors="replace")[-500:],
        "stderr_tail": (run_dir / "stderr.txt").read_text(errors="replace")[-1500:],
    }
    shutil.rmtree(out_dir, ignore_errors=True)  # 1,000 PDFs add up
    return result


_BATCH_HELP: str | None = None


def batch_help() -> str:
    global _BATCH_HELP
    if _BATCH_HELP is None:
        ok, text = batch_available()
        _BATCH_HELP = text if ok else ""
    return _BATCH_HELP


def _kill_tree(proc: subprocess.Popen) -> None:
    for pid in reversed(_descendants(proc.pid)):
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    proc.kill()
    proc.wait()


# --------------------------------------------------------------------------- report


def verdict(value: float | None, limit: float) -> str:
    if value is None or value != value:  # None or NaN
        return "n/a"
    return "PASS" if value <= limit else "MISS"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} ms"


def fmt_s(value: float | None) -> str:
    return "—" if value is None else (f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s")


def fmt_runs(runs: dict) -> str:
    """Median; fastest. On a shared machine the fastest run is nearest the real cost."""
    return f"{fmt_s(runs['median'])}; {fmt_s(runs['min'])}"


def fmt_mb(kb: float | None) -> str:
    return "—" if kb is None else f"{kb / 1024:.1f} MB"


def fmt_kb(b: float | None) -> str:
    return "—" if b is None else f"{b / 1024:.1f} KB"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def environment(quick: bool) -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except OSError:
            return ""

    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("handouts", "reportlab", "pypdf", "pydantic", "fonttools", "click", "jinja2"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": os.getloadavg(),
        "handouts_cmd": " ".join(handouts_cmd()),
        "in_venv": sys.prefix != sys.base_prefix,
        "startup_pth": startup_pth_files(),
        "versions": versions,
    }


def startup_pth_files() -> list[str]:
    """``.pth`` files whose ``import`` lines run in every process of this interpreter.

    They are part of every whole-process figure, and are not the project's: a sandbox
    or a tool can install one into the base interpreter; a virtual environment only
    reads its own site-packages.
    """
    import site

    found = []
    for folder in {*site.getsitepackages(), site.getusersitepackages()}:
        for pth in sorted(Path(folder).glob("*.pth")):
            lines = pth.read_text(errors="replace").splitlines()
            if any(line.startswith(("import ", "import\t")) for line in lines):
                found.append(str(pth))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="Fewer handouts: a fast check (~20 s)."
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"Where to write JSON (default: {DEFAULT_JSON.relative_to(REPO)}).",
    )
    parser.add_argument("--skip-batch", action="store_true", help="Do not run `handouts batch`.")
    parser.add_argument(
        "--worker", choices=["inproc", "figures", "tagging"], help=argparse.SUPPRESS
    )
    parser.add_argument("--count", type=int, default=200, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--settled", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "inproc":
        print(json.dumps(worker_inproc(args.count, args.rounds, args.settled)))
        return 0
    if args.worker == "figures":
        print(json.dumps(worker_figures()))
        return 0
    if args.worker == "tagging":
        print(json.dumps(worker_tagging(args.count)))
        return 0

    quick = args.quick
    began = time.perf_counter()
    results: dict = {
        "environment": environment(quick),
        "targets": TARGETS,
        "peers": [{"tool": t, "ms_per_handout": ms, "cold_s": s} for t, ms, s in PEERS],
    }
    with tempfile.TemporaryDirectory(prefix="handouts-bench-") as tmp:
        workdir = Path(tmp)

        # 1. In-process, batch of 200 personalised handouts.
        rounds = 1 if quick else 3
        log(f"1/6 in-process: warm-up + {rounds} round(s) of 200 handouts")
        inproc = run_worker(200, rounds, workdir, timeout=1800, settled=True)
        # The figure: CPU time, what a handout costs; wall time depends on the neighbours.
        inproc["median_ms"] = statistics.median(r["cpu"]["median"] for r in inproc["rounds"])
        inproc["wall_median_ms"] = statistics.median(r["median"] for r in inproc["rounds"])
        inproc["p90_ms"] = statistics.median(r["p90"] for r in inproc["rounds"])
        results["inprocess"] = inproc

        # 2. Cold CLI: `handouts build` (the default handout) and `handouts --help`.
        log("2/6 cold `handouts build` x5 and `handouts --help` x5 (after one untimed run each)")
        build_dir = workdir / "cold"
        build_dir.mkdir()
        results["cold_build"] = timed_runs([*handouts_cmd(), "build"], build_dir, 5)
        results["help"] = timed_runs([*handouts_cmd(), "--help"], build_dir, 5)
        on_path = shutil.which("handouts")
        if on_path and Path(on_path) != Path(handouts_cmd()[0]):  # e.g. a pyenv shim
            results["help_on_path"] = timed_runs([on_path, "--help"], build_dir, 5) | {
                "command": on_path
            }
        results["python_floor"] = timed_runs([sys.executable, "-c", "pass"], build_dir, 5)
        results["python_no_site"] = timed_runs([sys.executable, "-S", "-c", "pass"], build_dir, 5)
        results["library_floor"] = timed_runs(
            [sys.executable, "-c", f"import {', '.join(BUILD_LIBRARIES)}"], build_dir, 5
        )
        default_pdf = build_dir / "output" / f"{PROGRAMME}.pdf"

        # 4. Bytes per handout, fonts share; exercise figures; what tagging adds.
        log("4/6 PDF size breakdown (pypdf); exercise figures; tagged vs untagged")
        results["size"] = pdf_breakdown(default_pdf)
        results["figures"] = run_figures(workdir)
        results["tagging"] = run_worker(50 if quick else 200, 1, workdir, 1800, "tagging")

        # 5. Growth: fresh process per batch size.
        sizes = [10, 100] if quick else [10, 100, 1000]
        growth = []
        for size in sizes:
            log(f"5/6 growth: in-process batch of {size}")
            run = run_worker(size, 1, workdir, timeout=3600)
            growth.append(
                {
                    "size": size,
                    "median_ms": run["rounds"][0]["cpu"]["median"],
                    "wall_median_ms": run["rounds"][0]["median"],
                    "p90_ms": run["rounds"][0]["p90"],
                    "loadavg": run["loadavg"],
                    "mean_ms": run["rounds"][0]["mean"],
                    "peak_rss_kb": run["peak_rss_kb"],
                    "rss_after_first_kb": run["rss_after_first_kb"],
                    "rss_end_kb": run["rss_end_kb"],
                }
            )
        results["growth_inprocess"] = growth

        # 3. `handouts batch` (after the growth runs so a missing command is detected late:
        #    a colleague may still be adding it).
        rows = 100 if quick else 1000
        ok, text = (False, "skipped (--skip-batch)") if args.skip_batch else batch_available()
        results["batch"] = {"available": ok}
        if ok:
            runs = {}
            plan = [(rows, 1), (rows, 2)] + [(n, 2) for n in sizes if n != rows]
            for n, jobs in plan:
                log(f"3/6 handouts batch: {n} rows, --jobs {jobs}")
                runs[f"{n}x{jobs}"] = run_batch(n, jobs, workdir, timeout=3600)
            results["batch"] |= {"rows": rows, "runs": runs}
        else:
            results["batch"]["reason"] = text.splitlines()[-1] if text else "unavailable"
            log(f"3/6 handouts batch not measured: {results['batch']['reason']}")

        # 6. The web page's live preview, in a warm server (bench/web_preview.py).
        log("6/6 web page: preview of the default programme, new patient each time")
        results["web_preview"] = run_web_preview(20 if quick else 100)

    results["elapsed_s"] = time.perf_counter() - began
    results["environment"]["loadavg_end"] = os.getloadavg()
    table = report(results)
    results["table"] = table
    print("\n".join(table))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nJSON: {args.json}")
    return 0


def run_web_preview(count: int) -> dict:
    """bench/web_preview.py in a fresh process: its JSON, or why it could not run."""
    cmd = [sys.executable, str(BENCH_DIR / "web_preview.py"), "--count", str(count)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), timeout=600)
    if proc.returncode != 0:
        return {"error": (proc.stderr or proc.stdout).strip().splitlines()[-1:]}
    return json.loads(proc.stdout)


def _batch_estimate(runs: dict, rows: int) -> float:
    """Wall time of 1,000 rows with --jobs 2, from a smaller run.

    A batch has a fixed cost (start-up, one layout per worker) and a cost per row;
    with a 10-row run as well, the two are told apart, else the time is scaled.
    """
    wall = runs[f"{rows}x2"]["wall_s"]
    small = runs.get("10x2")
    if small and rows > 10:
        per_row = (wall - small["wall_s"]) / (rows - 10)
        return wall + per_row * (1000 - rows)
    return wall * 1000 / rows


def report(r: dict) -> list[str]:
    env = r["environment"]
    rows: list[tuple[str, str, str, str]] = []

    def add(label: str, measured: str, target: str = "", result: str = "") -> None:
        rows.append((label, measured, target, result))

    t = TARGETS
    ip = r["inprocess"]
    n_rounds = len(ip["rounds"])
    rounds_text = f"median of {n_rounds} rounds" if n_rounds > 1 else "1 round"
    add(
        f"1. ms/handout in a batch, in-process, CPU ({rounds_text} of 200)",
        fmt_ms(ip["median_ms"]),
        f"≤ {t['inproc_ms_median']:.0f} ms",
        verdict(ip["median_ms"], t["inproc_ms_median"]),
    )
    if "wall_median_ms" in ip:  # JSON from before CPU time was the figure has none
        load = ip.get("loadavg", [float("nan")] * 2)
        add(
            f"   wall: median / p90 (load {load[0]:.1f} → {load[1]:.1f})",
            f"{ip['wall_median_ms']:.1f} / {ip['p90_ms']:.1f} ms",
        )
    if "settled" in ip:
        settled = ip["settled"]
        add(
            "   in a pool worker (gc.freeze after its first): CPU; wall median / p90",
            f"{settled['cpu']['median']:.1f}; {settled['median']:.1f} / {settled['p90']:.1f} ms",
        )
    add("   first handout in a process (not counted)", fmt_ms(ip["first_handout_ms"]))
    add(
        "   import handouts.build + loader / load_library()",
        f"{ip['import_ms']:.0f} ms / {ip['load_library_ms']:.0f} ms",
    )

    cb, hp, fl = r["cold_build"], r["help"], r["python_floor"]
    add(
        "2. Cold `handouts build` wall (median of 5; fastest)",
        fmt_runs(cb),
        f"≤ {t['cold_build_s'] * 1000:.0f} ms",
        verdict(cb["median"], t["cold_build_s"]),
    )
    add(
        "   `handouts --help` wall (median of 5; fastest)",
        fmt_runs(hp),
        f"≤ {t['help_s'] * 1000:.0f} ms",
        verdict(hp["median"], t["help_s"]),
    )
    add("   `python -c pass` (interpreter floor)", fmt_runs(fl))
    if "python_no_site" in r:  # JSON from before this figure existed has none
        add("   `python -S -c pass` (no site-packages start-up)", fmt_runs(r["python_no_site"]))
    if "library_floor" in r:  # JSON from before this figure existed has none
        add("   importing the libraries a build needs (floor)", fmt_runs(r["library_floor"]))
    if "help_on_path" in r:
        add(
            f"   `handouts --help` via {r['help_on_path']['command']} (context)",
            fmt_s(r["help_on_path"]["median"]),
        )

    b = r["batch"]
    if b.get("available"):
        n = b["rows"]
        for jobs in (1, 2):
            run = b["runs"][f"{n}x{jobs}"]
            ok = run["returncode"] == 0 and run["pdfs_written"] == n
            note = "" if ok else f" (exit {run['returncode']}, {run['pdfs_written']} PDFs)"
            target, res = "", ""
            if jobs == 2 and n == 1000:
                target, res = (
                    f"≤ {t['batch_jobs2_1000_s']:.0f} s",
                    verdict(run["wall_s"] if ok else None, t["batch_jobs2_1000_s"]),
                )
            elif jobs == 2:
                target, res = (
                    f"≤ {t['batch_jobs2_1000_s']:.0f} s @1000",
                    f"(≈ {_batch_estimate(b['runs'], n):.1f} s @1000)",
                )
            add(
                f"3. `handouts batch` {n} rows --jobs {jobs}: wall{note}",
                fmt_s(run["wall_s"]),
                target,
                res,
            )
            add(
                "   handouts per second / ms per handout",
                f"{run['handouts_per_s']:.1f}/s / {run['ms_per_handout']:.0f} ms",
            )
            add(
                f"   peak RSS per worker ({run['worker_processes']} worker proc.) / main",
                f"{fmt_mb(run['worker_peak_rss_kb'])} / {fmt_mb(run['main_peak_rss_kb'])}",
                f"≤ {t['worker_peak_mb']:.0f} MB",
                verdict(run["worker_peak_rss_kb"] / 1024, t["worker_peak_mb"]),
            )
    else:
        add("3. `handouts batch`", "not measured", "", b.get("reason", ""))

    s = r["size"]
    add(
        f"4. Default handout size ({s['pages']} pages)",
        fmt_kb(s["bytes"]),
        f"≤ {t['handout_kb']:.0f} KB",
        verdict(s["bytes"] / 1024, t["handout_kb"]),
    )
    add(
        f"   embedded font programs ({len(s['fonts'])} × FontFile2)",
        f"{fmt_kb(s['font_bytes'])} ({s['font_share']:.0%})",
    )
    a85 = " ASCII85" if any("ASCII85" in f for f in s["page_content_filters"]) else ""
    add(
        f"   page content streams ({s['pages']},{a85} + Flate)",
        f"{fmt_kb(s['page_content_bytes'])} ({s['page_content_bytes'] / s['bytes']:.0%})",
    )
    add("   everything else", fmt_kb(s["bytes"] - s["font_bytes"] - s["page_content_bytes"]))
    # The peers' figures are for a 6-page handout; the default one is longer.
    add("   per page (peers: 35 KB / 6 pages = 5.8 KB)", fmt_kb(s["bytes"] / s["pages"]))
    pb = ip["personalised_bytes"]
    add("   personalised handout (in-process, median)", fmt_kb(pb["median"]))
    fig = r.get("figures")
    if fig:
        add(
            f"   largest exercise figure, compressed ({fig['largest']})",
            fmt_kb(fig["max_bytes"]),
            f"≤ {t['figure_kb_max']:.0f} KB",
            verdict(fig["max_bytes"] / 1024, t["figure_kb_max"]),
        )
        add("   mean exercise figure, compressed", fmt_kb(fig["mean_bytes"]))
        add(
            f"   cold build: its {fig['handout_figures']} figures solved and painted (CPU; wall)",
            f"{fmt_ms(fig['cold_ms'])}; {fmt_ms(fig['cold_wall_ms'])}",
            f"≤ {t['figures_cold_ms']:.0f} ms",
            verdict(fig["cold_ms"], t["figures_cold_ms"]),
        )
        add(f"   all {fig['all_figures']} built-in figures, colour and mono", fmt_ms(fig["all_ms"]))
    if "tagging" in r:  # JSON from before tagging has none
        tg = r["tagging"]
        ratio = tg["tagged_bytes"] / tg["untagged_bytes"]
        add(
            "   tagged (PDF/UA-1) vs untagged bytes",
            f"{fmt_kb(tg['tagged_bytes'])} / {fmt_kb(tg['untagged_bytes'])} = ×{ratio:.2f}",
            f"≤ ×{t['tagging_bytes_ratio']:.2f}",
            verdict(ratio, t["tagging_bytes_ratio"]),
        )
        kind = "cpu_ms" if "tagged_cpu_ms" in tg else "ms"  # CPU since it is the figure
        tagged_ms, untagged_ms = tg[f"tagged_{kind}"]["median"], tg[f"untagged_{kind}"]["median"]
        add(
            f"   ms/handout, tagged / untagged (taken in turn{', CPU' if kind != 'ms' else ''})",
            f"{tagged_ms:.1f} / {untagged_ms:.1f} ms",
            f"≤ {t['tagged_ms_median']:.0f} ms",
            verdict(tagged_ms, t["tagged_ms_median"]),
        )

    growth = r["growth_inprocess"]
    base = growth[0]
    for g in growth:
        if "wall_median_ms" in g:
            add(
                f"5. In-process batch of {g['size']}: CPU; wall median / p90 ms/handout",
                f"{g['median_ms']:.1f}; {g['wall_median_ms']:.1f} / {g['p90_ms']:.1f} ms",
            )
        else:  # JSON from before CPU time was the figure
            add(
                f"5. In-process batch of {g['size']}: ms/handout median / p90",
                f"{g['median_ms']:.1f} / {g['p90_ms']:.1f} ms",
            )
        add(
            "   peak RSS (VmHWM) / RSS after first handout",
            f"{fmt_mb(g['peak_rss_kb'])} / {fmt_mb(g['rss_after_first_kb'])}",
        )
    last = growth[-1]
    cost_ratio = last["median_ms"] / base["median_ms"]
    mem_ratio = last["peak_rss_kb"] / base["peak_rss_kb"]
    flat = f"≤ ×{t['flat_ratio']:.2f}"
    add(
        f"   cost per handout {last['size']} vs {base['size']}",
        f"×{cost_ratio:.2f}",
        flat,
        verdict(cost_ratio, t["flat_ratio"]),
    )
    add(
        f"   peak RSS {last['size']} vs {base['size']}",
        f"×{mem_ratio:.2f}",
        flat,
        verdict(mem_ratio, t["flat_ratio"]),
    )
    if b.get("available"):
        batch_growth = sorted(
            (run for run in b["runs"].values() if run["jobs"] == 2), key=lambda x: x["rows"]
        )
        for run in batch_growth:
            add(
                f"   `batch --jobs 2` {run['rows']} rows: ms/handout (wall) / worker peak",
                f"{run['ms_per_handout']:.0f} ms / {fmt_mb(run['worker_peak_rss_kb'])}",
            )
        if len(batch_growth) > 1:
            ratio = batch_growth[-1]["worker_peak_rss_kb"] / batch_growth[0]["worker_peak_rss_kb"]
            add(
                f"   worker peak RSS {batch_growth[-1]['rows']} vs {batch_growth[0]['rows']} rows",
                f"×{ratio:.2f}",
                flat,
                verdict(ratio, t["flat_ratio"]),
            )

    web = r.get("web_preview", {})
    if "request_ms_median" in web:
        add(
            f"6. Web page: warm preview, new patient (median of {web['count']})",
            fmt_ms(web["request_ms_median"]),
            f"≤ {t['web_preview_ms_median']:.0f} ms",
            verdict(web["request_ms_median"], t["web_preview_ms_median"]),
        )
        add(
            "   p90 / the build alone (median)",
            f"{fmt_ms(web['request_ms_p90'])} / {fmt_ms(web['build_ms_median'])}",
        )
    elif web:
        add("6. Web page preview", "not measured", "", " ".join(web.get("error", [])))

    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    widths = [
        max(w, len(h))
        for w, h in zip(widths, ("Figure", "Measured", "Target", "Result"), strict=True)
    ]
    line = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
    dirty = " (uncommitted changes)" if env["dirty"] else ""
    out = [
        f"handouts benchmark · {env['mode']} · {env['when']} · commit {env['commit']}{dirty}",
        f"Python {env['python']} · reportlab {env['versions'].get('reportlab')}"
        f" · {env['cpus']} CPUs · {env['platform']}",
        f"handouts imported from {ip['handouts_module']} · CLI: {env['handouts_cmd']}",
        *startup_notes(r),
        "",
        line(("Figure", "Measured", "Target", "Result")),
        line(tuple("-" * w for w in widths)),
        *[line(row) for row in rows],
        "",
        "Peers, same 6-page handout (context, not targets):",
        f"  {'tool':<28}{'in-process':>12}{'cold':>9}",
        *[f"  {name:<28}{ms:>9.0f} ms{cold:>8.2f} s" for name, ms, cold in PEERS],
        f"  {'handouts (this run)':<28}{ip['median_ms']:>9.0f} ms{cb['median']:>8.2f} s"
        f"   ({s['pages']} pages: {ip['median_ms'] / s['pages']:.1f} ms/page;"
        f" ×6/{s['pages']} ≈ {ip['median_ms'] * 6 / s['pages']:.0f} ms for 6 pages)",
        "",
        f"Benchmark took {r['elapsed_s']:.0f} s. Load average at start / end:"
        f" {env['loadavg_start'][0]:.2f} / {env['loadavg_end'][0]:.2f}"
        " (other work on the machine skews timings).",
    ]
    return out


def startup_notes(r: dict) -> list[str]:
    """What the interpreter runs before any project code, as it changes whole-process times."""
    env = r["environment"]
    if "python_no_site" not in r:  # JSON from before these figures existed
        return []
    where = "a virtual environment" if env["in_venv"] else "the base interpreter (no venv)"
    notes = [f"Whole-process figures ran in {where}."]
    site_ms = (r["python_floor"]["median"] - r["python_no_site"]["median"]) * 1000
    if site_ms > 5 and env["startup_pth"]:
        names = ", ".join(Path(p).name for p in env["startup_pth"])
        notes.append(
            f"Site-packages start-up costs every process here {site_ms:.0f} ms"
            f" (`python -c pass` against `python -S -c pass`); it runs the imports in {names}."
        )
    return notes


if __name__ == "__main__":
    sys.exit(main())
