#!/usr/bin/env python3
"""Where the time goes: cProfile of one handout build, and import time of the CLI.

    python bench/hotspots.py [--builds N] [--top 25] [--first] [--out bench/results/hotspots.txt]

1. cProfile of N in-process builds of the default programme (after one warm-up
   build, as in a batch; --first profiles the first build of a process instead),
   sorted by cumulative time, then by own time.
2. ``python -X importtime -c "import handouts.cli"`` (what ``handouts --help``
   pays) and of a whole ``handouts build`` run (what a cold build pays), as self
   time per top-level package and the largest cumulative imports.
3. CPU time per phase of a warm build (function timers, no profiler overhead).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
sys.path.insert(0, str(REPO))  # profile this checkout, whatever is installed


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode cached
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return env


def _builder():  # noqa: ANN202 - (builder, build(name))
    from handouts.build import Builder, Request
    from handouts.compose import Options, Selection
    from handouts.content.loader import load_library
    from handouts.content.models import Patient

    builder = Builder(load_library())

    def build(name: str) -> None:
        request = Request(
            Selection(programme="soleus-strength-runners"),
            Patient(name=name),
            options=Options(),
            date=dt.date(2026, 12, 1),
        )
        builder.build(request)

    return builder, build


# (module, attribute path, label): wall time spent in each, measured without a profiler.
# Story parts are looked up in handouts.render.pdf, where story() calls them; names
# that a refactor removed are skipped.
PHASES = [  # (module, attribute, label): the per-patient path of a batch's handout
    ("handouts.build", "Builder.compose", "compose (selection -> Handout)"),
    ("handouts.build", "Builder.intro", "intro template (jinja2)"),
    ("handouts.render.pdf", "_page_one", "page one's personal block: layout"),
    ("handouts.render.pdf", "_shared_key", "the shared pages' key (pickle)"),
    ("handouts.render.pdf", "seed", "a fresh canvas seeded with the recording"),
    ("handouts.render.document", "HandoutDoc.draw_top_block", "page one's block: drawing"),
    ("handouts.render.pdf", "replay", "the recorded pages replayed"),
    ("handouts.render.document", "HandoutCanvas.save", "saving: forms, tags, the file"),
    ("handouts.render.document", "HandoutCanvas.paint_forms", "  footer and page-total forms"),
    ("handouts.render.compact", "CompactDocument.format", "  writing the file's objects"),
]


COLLECTOR = "garbage collector (anywhere in the build)"


def phase_times(builds: int) -> str:
    """CPU time per phase of a warm build, by wrapping functions with timers."""
    import functools
    import importlib

    _, build = _builder()
    spent: dict[str, float] = defaultdict(float)
    restore = []
    for module_name, path, label in PHASES:
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        original = getattr(owner, name, None) if owner is not None else None
        if original is None:
            continue

        def timed(*args, _f=original, _label=label, **kwargs):  # noqa: ANN002, ANN003, ANN202
            start = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                spent[_label] += time.process_time() - start

        setattr(owner, name, functools.wraps(original)(timed))
        restore.append((owner, name, original))
    started = [0.0]

    def collector(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            spent[COLLECTOR] += time.process_time() - started[0]

    try:
        build("Warm Up")
        spent.clear()
        gc.callbacks.append(collector)
        start = time.process_time()
        for i in range(builds):
            build(f"Patient {i}")
        total = (time.process_time() - start) * 1000 / builds
    finally:
        if collector in gc.callbacks:
            gc.callbacks.remove(collector)
        for owner, name, original in restore:
            setattr(owner, name, original)
    lines = [
        f"Phases of a warm build, no profiler: {total:.1f} ms CPU per build (mean of {builds})"
    ]
    for _, _, label in [*PHASES, ("", "", COLLECTOR)]:
        if label in spent:
            ms = spent[label] * 1000 / builds
            lines.append(f"  {ms:7.1f} ms  {ms / total:4.0%}  {label}")
    return "\n".join(lines)


def profile_builds(builds: int, top: int, first: bool) -> str:
    _, build = _builder()
    if not first:
        build("Warm Up")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for i in range(builds):
        build(f"Patient {i}")
    profiler.disable()
    elapsed = (time.perf_counter() - start) * 1000 / builds
    out = io.StringIO()
    what = "first build of the process" if first else "after one warm-up build"
    out.write(
        f"cProfile: {builds} build(s), {what}; {elapsed:.0f} ms per build under the profiler\n"
    )
    for order in ("cumulative", "tottime"):
        out.write(f"\n=== sorted by {order} ===\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats(order).print_stats(top)
    return out.getvalue()


IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_times(args: list[str], label: str, top: int) -> str:
    """``python -X importtime ARGS`` (run twice: the first run only caches bytecode)."""
    cmd = [sys.executable, "-X", "importtime", *args]
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(2):
            done = subprocess.run(cmd, capture_output=True, text=True, env=child_env(), cwd=tmp)
            if done.returncode != 0:
                raise RuntimeError(f"{label} failed:\n{done.stderr[-2000:]}")
    rows = []
    for line in done.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match:
            own, cumulative, indent, name = match.groups()
            rows.append((int(own), int(cumulative), (len(indent) - 1) // 2, name))
    total_us = sum(own for own, _, _, _ in rows)
    per_package: dict[str, int] = defaultdict(int)
    for own, _, _, name in rows:
        per_package[name.split(".")[0]] += own
    out = [f"python -X importtime {label}: {len(rows)} modules, {total_us / 1000:.0f} ms"]
    out.append("  self time per top-level package:")
    for package, us in sorted(per_package.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"    {us / 1000:7.1f} ms  {package}")
    out.append("  largest cumulative imports (depth ≤ 2):")
    shallow = sorted((r for r in rows if r[2] <= 2), key=lambda r: -r[1])[:top]
    for _own, cumulative, depth, name in shallow:
        out.append(f"    {cumulative / 1000:7.1f} ms  {'  ' * depth}{name}")
    return "\n".join(out)


def _cli_build() -> tuple[list[str], str]:
    """The whole ``handouts build`` command (what a cold build imports)."""
    script = Path(sys.executable).parent / "handouts"
    if not script.is_file():
        script = Path(shutil.which("handouts") or "handouts")
    return [str(script), "build"], f"{script} build"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--builds", type=int, default=1, help="Builds to profile (default 1).")
    parser.add_argument(
        "--phase-builds", type=int, default=20, help="Builds for the phase timing (default 20)."
    )
    parser.add_argument("--top", type=int, default=25, help="Rows per listing.")
    parser.add_argument("--first", action="store_true", help="Profile the first build instead.")
    parser.add_argument("--out", type=Path, help="Also write the report to this file.")
    args = parser.parse_args()
    report = "\n\n".join(
        [
            # The profile comes first: --first needs the first build of this process.
            profile_builds(args.builds, args.top, args.first),
            import_times(["-c", "import handouts.cli"], '-c "import handouts.cli"', args.top),
            import_times(*_cli_build(), args.top),
            phase_times(args.phase_builds),
        ]
    )
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
