#!/usr/bin/env python3
"""Server time of the web page's live preview: the default programme for a new patient.

    python bench/web_preview.py [--count N]

Runs the real Starlette app in this process (Starlette's TestClient, no network):
one warm-up preview, then N previews, each for a new patient name. Prints JSON with
the median and p90 of the whole request (form parsing, build, response) and of the
build alone (the Server-Timing header).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
import warnings
from pathlib import Path

FIRST = ["Sam", "Alex", "Maria", "Jun", "Olusegun", "Chloé", "Priya", "Tomasz", "Ngozi", "Zoë"]
LAST = ["Lee", "Moore", "García", "Okafor", "Nowak", "Patel", "O'Brien", "Müller", "Khan"]


def measure(count: int) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from handouts.web.app import create_app
    from handouts.web.engine import Engine
    from handouts.web.plan import plan_fields
    from handouts.web.security import allowed_hosts

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Path(tmp))
        client = TestClient(create_app(engine, allowed_hosts("127.0.0.1")), "http://127.0.0.1")
        page = client.get("/build").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        form = plan_fields(engine.plan_for(engine.default_programme()))
        form |= {"csrf": token, "deliver": "preview"}
        headers = {"x-requested-with": "fetch"}
        names = [f"{f} {ln}" for ln in LAST for f in FIRST]
        request_ms, build_ms = [], []
        for index in range(count + 1):
            started = time.perf_counter()
            response = client.post(
                "/build/pdf", data=form | {"patient": names[index % len(names)]}, headers=headers
            )
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise SystemExit(f"preview failed: {response.status_code} {response.text[:200]}")
            if index == 0:
                continue  # the first preview loads fonts and lays out shared pages
            request_ms.append(elapsed)
            timing = re.search(r"dur=([0-9.]+)", response.headers["server-timing"])
            build_ms.append(float(timing.group(1)))
    return {
        "count": count,
        "request_ms_median": statistics.median(request_ms),
        "request_ms_p90": sorted(request_ms)[int(0.9 * (len(request_ms) - 1))],
        "build_ms_median": statistics.median(build_ms),
        "pdf_bytes": len(response.content),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    print(json.dumps(measure(parser.parse_args().count)))
