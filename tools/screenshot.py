#!/usr/bin/env python3
"""Screenshot the web page for the README: headless Chromium, the built-in demo content.

    python tools/screenshot.py [docs/web-page.png]

Fills in a made-up patient, waits for the live preview and saves a PNG.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from handouts.web.app import create_app
from handouts.web.browser import chromium, running
from handouts.web.engine import Engine
from handouts.web.security import allowed_hosts

REPO = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else REPO / "docs" / "web-page.png"
    width, height = (int(v) for v in (argv[2:4] if len(argv) > 3 else (1280, 800)))
    out.parent.mkdir(parents=True, exist_ok=True)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Engine(Path(tmp)), allowed_hosts("127.0.0.1"))
        with running(app) as url:
            driver = chromium(Path(tmp) / "profile", Path(tmp), width, height)
            try:
                driver.get(f"{url}/build")
                driver.find_element(By.ID, "patient").send_keys("Alex Example")
                driver.find_element(By.ID, "clinician").send_keys("Sam Physio")
                WebDriverWait(driver, 20).until(
                    lambda d: "up to date" in d.find_element(By.ID, "preview-status").text
                )
                time.sleep(1.5)  # the PDF viewer draws the first page
                driver.save_screenshot(str(out))
            finally:
                driver.quit()
    shrink(out)
    print(out)
    return 0


def shrink(path: Path) -> None:
    """A 256-colour PNG: a screenshot of a calm page needs no more, at a fifth of the size."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
