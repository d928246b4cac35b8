"""``prioritizer app``: what it refuses (no server needed), and the served page in a real
headless Chromium (Debian's chromium + chromium-driver, driven by Selenium): a slider moved,
the KPIs and the table seen to change, a screenshot kept in test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, SCENARIOS

from prioritizer.cli import cli
from prioritizer.explore.app import is_loopback, plan

TELECOM = SCENARIOS / "telecom" / "scenario.yaml"
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_loopback_addresses() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")
    assert not is_loopback("example.org")


def test_plan_refuses_a_wide_address_unless_asked(tmp_path: Path) -> None:
    from prioritizer import ScenarioError

    with pytest.raises(ScenarioError, match="not a loopback address"):
        plan(TELECOM, host="0.0.0.0")
    app = plan(TELECOM, host="0.0.0.0", allow_remote=True, out=tmp_path / "w")
    assert "--Voila.ip=0.0.0.0" in app.argv and app.url == "http://0.0.0.0:8866/"
    assert app.env["PRIORITIZER_APP_OUT"] == str((tmp_path / "w").resolve())
    assert not (tmp_path / "w").exists()  # planning writes nothing
    local = plan(TELECOM)
    assert "--Voila.ip=127.0.0.1" in local.argv and local.env["PRIORITIZER_APP_OUT"] == ""


def test_cli_errors_are_user_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["app", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    bad_port = runner.invoke(cli, ["app", str(TELECOM), "--port", "70000"])
    assert bad_port.exit_code == 2 and "--port" in bad_port.output
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    bad_out = runner.invoke(cli, ["app", str(TELECOM), "--out", str(a_file)])
    assert bad_out.exit_code == 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``prioritizer app`` on the telecom example, on a free loopback port."""
    pytest.importorskip("voila", reason="install the [explore] extra")
    out = tmp_path_factory.mktemp("kept")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prioritizer",
            "app",
            str(TELECOM),
            "--port",
            str(port),
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=out,
    )
    match = None
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # blocks until the server is up (or has died)
        match = re.search(r"serving .* at (http://127\.0\.0\.1:\d+/)", line)
        assert match, f"no startup line: {line!r}"
        yield match.group(1), out
    finally:
        process.terminate()  # SIGTERM: the command stops its page server with itself
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        port = int(match.group(1).rsplit(":", 1)[1].strip("/")) if match else 0
        deadline = time.monotonic() + 30
        while port and time.monotonic() < deadline and not port_closed(port):
            time.sleep(0.5)
        assert not port or port_closed(port), "the page server outlived prioritizer app"


def port_closed(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
def test_server_serves_no_file(server: tuple[str, Path]) -> None:
    url, _out = server
    assert status_of(url) == 200
    for path in (
        "voila/files/explorer.ipynb",
        "voila/files/../../../../etc/passwd",
        "voila/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "files/etc/passwd",
        "api/contents",
        "tree",
    ):
        assert status_of(url + path) in (403, 404), path


def chromium() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip(
            "headless Chromium is not installed: apt-get install -y chromium chromium-driver"
        )
    return browser, driver


GEOMETRY = """
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.width]; };
const slider = document.querySelector('.widget-hslider');  // the first slider: the budget
const handle = slider.querySelector('.noUi-handle');
return {
  track: box(slider.querySelector('.noUi-base')),
  handle: box(handle),
  value: parseFloat(handle.getAttribute('aria-valuenow')),
  top: parseFloat(handle.getAttribute('aria-valuemax')),
  marks: Array.from(document.querySelectorAll('.px-ticks span')).map(
    m => [parseFloat(m.dataset.budget), ...box(m)]),
};
"""


def check_marks_on_the_track(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    """Each breakpoint mark's centre against the track's pixel for its budget (within 1.5
    px), the handle's centre against the pixel of the slider's value first: noUiSlider puts
    value v at track left + v / max × track width, and so must the marks. Returns
    (budget, pixel) of every mark."""
    (left, width), top = geometry["track"], geometry["top"]

    def pixel(value: float) -> float:
        return left + value / top * width

    handle_left, handle_width = geometry["handle"]
    assert abs(handle_left + handle_width / 2 - pixel(geometry["value"])) <= 1.5
    marks = geometry["marks"]
    assert len(marks) >= 3
    placed = []
    for budget, mark_left, mark_width in marks:
        centre = mark_left + mark_width / 2
        assert abs(centre - pixel(budget)) <= 1.5, (budget, centre, pixel(budget))
        placed.append((budget, centre))
    return placed


def save_marks_closeup(driver: Any, path: Path) -> None:
    """The budget slider's track and the marks beneath it, cut from a screenshot and
    enlarged three times (for the eye: the marks are 2 px wide)."""
    import io

    from PIL import Image

    box = driver.execute_script(
        "const t = document.querySelector('.widget-hslider .noUi-base').getBoundingClientRect();"
        "const m = document.querySelector('.px-ticks').getBoundingClientRect();"
        "return [t.left - 150, t.top - 20, t.right + 20, m.bottom + 6, window.devicePixelRatio];"
    )
    left, top, right, bottom, ratio = box
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png()))
    crop = shot.crop(tuple(round(v * ratio) for v in (max(left, 0), max(top, 0), right, bottom)))
    crop.resize((crop.width * 3, crop.height * 3), Image.Resampling.NEAREST).save(path)


@pytest.mark.slow
def test_page_in_headless_chromium(server: tuple[str, Path]) -> None:
    browser, driver_path = chromium()
    webdriver = pytest.importorskip("selenium.webdriver", reason="install the [dev] extra")
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, _out = server
    os.environ["SE_OFFLINE"] = "true"  # never let Selenium fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))
    try:
        driver.get(url)
        from selenium.common.exceptions import (
            NoSuchElementException,
            StaleElementReferenceException,
        )

        # the page re-renders a value's element on every answer: an element found a moment
        # ago can be gone when its text is read, so the wait tries again
        wait = WebDriverWait(
            driver,
            240,
            poll_frequency=0.5,
            ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
        )
        cost = '[data-kpi="Cost"] .px-value'
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, cost))
        # the recommended portfolio, as soon as the page is there
        before_cost = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, cost).text)
        before_rows = len(driver.find_elements(By.CSS_SELECTOR, "tr.px-row-kept"))
        assert before_rows > 0 and not driver.find_elements(By.CSS_SELECTOR, "tr.px-row-left")
        # the breakpoints arrive while the walk goes on; each sits on its budget's pixel
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".px-ticks span")) >= 3)
        placed = check_marks_on_the_track(driver.execute_script(GEOMETRY))
        ARTIFACTS.mkdir(exist_ok=True)
        save_marks_closeup(driver, ARTIFACTS / "explorer_marks.png")
        # drag the handle onto the mark nearest 3/4 of the base budget: the slider's value
        # there is that mark's budget (to a step and a pixel's worth of budget)
        geometry = driver.execute_script(GEOMETRY)
        budget = geometry["value"]
        target, x = min(placed, key=lambda p: abs(p[0] - 0.75 * budget))
        handle = driver.find_elements(By.CSS_SELECTOR, ".noUi-handle")[0]  # the budget slider
        handle_left, handle_width = geometry["handle"]
        offset = round(x - (handle_left + handle_width / 2))
        ActionChains(driver).drag_and_drop_by_offset(handle, offset, 0).perform()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, cost).text != before_cost)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "tr.px-row-left"))
        after_cost = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, cost).text)
        assert after_cost != before_cost
        moved = driver.execute_script(GEOMETRY)
        per_pixel = moved["top"] / moved["track"][1]
        assert abs(moved["value"] - target) <= 1.5 * per_pixel + 0.001 * moved["top"]
        check_marks_on_the_track(moved)
        time.sleep(3)  # let the charts of the new what-if arrive before the picture
        assert driver.save_screenshot(str(ARTIFACTS / "explorer_app.png"))
    finally:
        driver.quit()
