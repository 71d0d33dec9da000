"""The dashboard in a real browser: `jixiao dashboard` serves the demo warehouse, Debian's headless
Chromium (driven by its chromedriver through Selenium) loads each page, the console shows no
error, and each page's screenshot is not blank. JIXIAO_SCREENSHOTS=DIR keeps the screenshots
(the README's come from `JIXIAO_SCREENSHOTS=docs/screenshots`)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import WebDriverWait

JIXIAO = Path(sys.executable).with_name("jixiao")
PAGES = {"status": "报送情况", "findings": "审核问题", "rollups": "汇总", "indicators": "指标"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen([str(JIXIAO), "dashboard", "--db", str(db), "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver, "make system-deps installs chromium and chromium-driver"
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1400,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=driver), options=opts)
    try:
        yield drv
    finally:
        drv.quit()


@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_loads_in_chromium_without_console_errors(server, browser, page, tmp_path):
    # opened at the root, as a user does, then each page through the sidebar's navigation (a deep
    # link makes Streamlit probe /<page>/_stcore/health first, a 404 in the console by design)
    # Streamlit redraws while the page settles: an element read mid-redraw is stale, so look again
    wait = WebDriverWait(browser, 90, poll_frequency=0.5, ignored_exceptions=(StaleElementReferenceException,))
    if page == "status" or not browser.current_url.startswith(server):
        browser.get(server)
    if page != "status":
        link = wait.until(lambda d: [a for a in d.find_elements(By.CSS_SELECTOR, "[data-testid='stSidebarNav'] a")
                                     if (a.get_attribute("href") or "").rstrip("/").endswith(f"/{page}")])
        link[0].click()
    wait.until(lambda d: any(PAGES[page] == h.text.strip() for h in d.find_elements(By.CSS_SELECTOR, "h1")))
    # the script has finished when no element is stale or running and the tables are drawn
    wait.until(lambda d: d.execute_script(
        "return document.querySelectorAll('[data-stale=\"true\"], [data-testid=\"stStatusWidget\"]').length") == 0)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stDataFrame']"))
    time.sleep(2)  # canvas tables and charts paint after the elements exist
    assert not browser.find_elements(By.CSS_SELECTOR, "[data-testid='stException']")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
    shot = tmp_path / f"{page}.png"
    assert browser.save_screenshot(str(shot))
    with Image.open(shot) as im:
        stat = ImageStat.Stat(im.convert("L"))
        assert im.size[0] >= 1000 and stat.stddev[0] > 10, (im.size, stat.stddev)  # not blank
        colours = len(im.convert("RGB").getcolors(maxcolors=1 << 20) or ())
    assert colours > 50
    keep = os.environ.get("JIXIAO_SCREENSHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(keep) / f"dashboard_{page}.png")
