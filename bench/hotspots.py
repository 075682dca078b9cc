#!/usr/bin/env python3
"""Where the time goes: cProfile of one handout build, and import time of the CLI.

    python bench/hotspots.py [--builds N] [--top 25] [--first] [--out bench/results/hotspots.txt]

1. cProfile of N in-process builds of the default programme (after one warm-up
   build, as in a batch; --first profiles the first build of a process instead),
   sorted by cumulative time, then by own time.
2. ``python -X importtime -c "import handouts.cli"`` (what ``handouts --help``
   pays) and of a whole ``handouts build`` run (what a cold build pays), as self
   time per top-level package and the largest cumulative imports.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
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


def profile_builds(builds: int, top: int, first: bool) -> str:
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
    parser.add_argument("--top", type=int, default=25, help="Rows per listing.")
    parser.add_argument("--first", action="store_true", help="Profile the first build instead.")
    parser.add_argument("--out", type=Path, help="Also write the report to this file.")
    args = parser.parse_args()
    report = "\n\n".join(
        [
            profile_builds(args.builds, args.top, args.first),
            import_times(["-c", "import handouts.cli"], '-c "import handouts.cli"', args.top),
            import_times(*_cli_build(), args.top),
        ]
    )
    print(report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
