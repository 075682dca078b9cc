"""End to end in Debian's Chromium: pick, type, preview, download; a roster with a bad row.

Skipped only when no browser is installed and CI is not set; in CI they always run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from handouts.web.browser import browser_installed, chromium, running

if not browser_installed():
    if os.environ.get("CI"):
        raise RuntimeError("CI: chromium and chromium-driver must be installed (see .ci/run)")
    pytest.skip("no chromium/chromedriver installed", allow_module_level=True)
pytest.importorskip("selenium")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from handouts.web.app import create_app  # noqa: E402
from handouts.web.engine import Engine  # noqa: E402
from handouts.web.security import allowed_hosts  # noqa: E402

WAIT = 30  # seconds; a warm preview takes milliseconds, a cold one about a second


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str, Path]]:
    """(driver, url, downloads): the page over an empty workspace, and a browser."""
    root = tmp_path_factory.mktemp("browser")
    downloads = root / "downloads"
    downloads.mkdir()
    app = create_app(Engine(root / "workspace"), allowed_hosts("127.0.0.1"))
    (root / "workspace").mkdir()
    with running(app) as url:
        driver = chromium(root / "profile", downloads)
        try:
            yield driver, url, downloads
        finally:
            driver.quit()


def previews_done(driver) -> int:  # noqa: ANN001
    return int(driver.find_element(By.ID, "build-form").get_attribute("data-previewed") or 0)


def test_pick_a_programme_type_a_name_preview_and_download(site) -> None:  # noqa: ANN001
    driver, url, downloads = site
    driver.get(f"{url}/build")
    Select(driver.find_element(By.ID, "start")).select_by_value("achilles-eccentric")
    # The keyboard alone: Tab from the programme list to its button, Enter presses it.
    driver.find_element(By.ID, "start").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "Start from this"
    focused.send_keys(Keys.ENTER)
    WebDriverWait(driver, WAIT).until(lambda d: "Programme loaded" in d.page_source)
    WebDriverWait(driver, WAIT).until(lambda d: previews_done(d) > 0)
    before = previews_done(driver)
    driver.find_element(By.ID, "patient").send_keys("Rosa Marquez")
    WebDriverWait(driver, WAIT).until(lambda d: previews_done(d) > before)
    status = driver.find_element(By.ID, "preview-status").text
    assert "up to date" in status
    assert driver.find_element(By.ID, "preview-frame").get_attribute("src").startswith("blob:")
    driver.find_element(By.ID, "download-button").send_keys(Keys.ENTER)
    pdf = wait_for_file(downloads, "*.pdf")
    assert pdf.name == "achilles-eccentric-rosa-marquez.pdf"
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Rosa Marquez" in text
    assert "Achilles-friendly eccentric programme" in text


def test_a_roster_with_a_bad_row_shows_the_reason(site, tmp_path: Path) -> None:  # noqa: ANN001
    driver, url, _downloads = site
    roster = tmp_path / "clinic-list.csv"
    roster.write_text("patient,level,start\nAnn Lee,2,\nBob Roe,1,31 Dec 2026\n", encoding="utf-8")
    driver.get(f"{url}/batch")
    driver.find_element(By.ID, "roster").send_keys(str(roster))
    driver.find_element(By.XPATH, "//button[normalize-space()='Check the list']").click()
    row = WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.ID, "row-3"))
    assert "start:" in row.text and "is not a date" in row.text
    assert "✓" in driver.find_element(By.ID, "row-2").text
    assert "1 of 2 rows ready" in driver.find_element(By.ID, "rows-summary").text
    start = driver.find_element(By.ID, "r1-start")
    assert start.get_attribute("value") == "31 Dec 2026"  # the user's text, to fix in place
    button = driver.find_element(By.ID, "build-button")
    assert button.text == "Build 1 handout"
    start.clear()
    start.send_keys("2026-12-31")  # the script checks the edited rows as they are typed
    WebDriverWait(driver, WAIT).until(lambda d: button.text == "Build 2 handouts")
    assert "✓" in driver.find_element(By.ID, "row-3").text
    assert "2 of 2 rows ready" in driver.find_element(By.ID, "rows-summary").text


def wait_for_file(folder: Path, pattern: str, timeout: float = WAIT) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no download in {folder}")


def test_no_page_scrolls_sideways_at_200_percent_zoom(site, tmp_path: Path) -> None:  # noqa: ANN001
    """A 1280-pixel window at 200 %: 640 CSS pixels, two device pixels each (WCAG reflow)."""
    driver, url, _downloads = site
    roster = tmp_path / "list.csv"
    roster.write_text("patient,email,level,start\nAnn Lee,ann@example.org,x,5 Jan\n", "utf-8")
    zoom = {"width": 640, "height": 450, "deviceScaleFactor": 2, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", zoom)
    try:
        for page in ("build", "library", "brand", "batch"):
            driver.get(f"{url}/{page}")
            if page == "batch":  # with a roster's rows in the table
                driver.find_element(By.ID, "roster").send_keys(str(roster))
                driver.find_element(
                    By.XPATH, "//button[normalize-space()='Check the list']"
                ).click()
                WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.ID, "row-2"))
            root = "document.documentElement"
            width, seen = driver.execute_script(f"return [{root}.scrollWidth, {root}.clientWidth]")
            assert width <= seen, f"/{page} is {width} px wide in a {seen} px window"
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
